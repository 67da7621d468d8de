-- attack: read_csv /etc/passwd
-- issue: 1
-- exit: 2
-- stderr: read_csv: '/etc/passwd' is outside the folders this run may read
tegn.emit{ leak = tegn.read_csv("/etc/passwd") }
