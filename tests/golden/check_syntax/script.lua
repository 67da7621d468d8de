local t = tegn.read_csv("x.csv")
if #t > 0 then
  print(t)
