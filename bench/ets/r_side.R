# r_side.R OUTDIR -- R's half of bench/ets_vs_r.sh: writes each classic
# series (series.csv: series, t, y) and, for every origin of the last 24
# points (o = n-24 .. n-12), forecast::ets()'s automatic forecasts and the
# seasonal-naive ones for h = 1..12 (r.csv: series, t, h, ets, snaive).
suppressMessages(library(forecast))
out <- commandArgs(TRUE)[1]
ser <- list(AirPassengers = AirPassengers, co2 = co2, UKgas = UKgas, nottem = nottem,
            USAccDeaths = USAccDeaths, ldeaths = ldeaths)
s_rows <- list(); r_rows <- list()
for (nm in names(ser)) {
  y <- as.numeric(ser[[nm]]); m <- frequency(ser[[nm]]); n <- length(y)
  s_rows[[nm]] <- data.frame(series = nm, t = seq_len(n), y = y)
  for (o in (n - 24):(n - 12)) {
    tr <- ts(y[1:o], frequency = m)
    f <- forecast(ets(tr), h = 12)$mean
    sn <- snaive(tr, h = 12)$mean
    r_rows[[length(r_rows) + 1]] <- data.frame(series = nm, t = o + 1:12, h = 1:12,
                                               ets = as.numeric(f), snaive = as.numeric(sn))
  }
}
write.csv(do.call(rbind, s_rows), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, r_rows), file.path(out, "r.csv"), row.names = FALSE)
