-- Never runs: a missing --allow-read folder is a usage error first.
tegn.read_csv("input.csv")
