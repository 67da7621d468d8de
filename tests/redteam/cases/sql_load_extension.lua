-- attack: load_extension() from read_sqlite loads native code
-- issue: 8
-- exit: 1
-- stderr: not authorized to use function: load_extension
tegn.read_sqlite("data.sqlite", "SELECT load_extension('../outside/evil.so') AS p")
