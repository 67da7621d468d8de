-- A script may read only beneath its folder, the working directory and --allow-read folders.
local tegn = require "tegn"
tegn.read_csv("/etc/passwd")
