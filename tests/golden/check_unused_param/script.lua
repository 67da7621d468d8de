-- reads n (with a default) and nothing else
local n = tegn.param("n", 10)
print(n)
