-- attack: read through a symlink in the script's folder that points out of it
-- issue: 1
-- link: run/peek -> @OUTSIDE@
-- exit: 2
-- stderr: read_csv: 'peek/secret.csv' is outside the folders this run may read
tegn.emit{ leak = tegn.read_csv("peek/secret.csv") }
