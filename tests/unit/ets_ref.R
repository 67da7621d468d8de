# ets_ref.R -- prints the R reference numbers in tests/unit/test_ets.c:
# forecast::ets fits of fixed models on R's classic series (USAccDeaths,
# UKgas), their parameters, initial states (tegn's order: season[p] is the
# state of time indices t with t mod m == p), log-likelihood, AICc and the
# 80/95 % intervals of the first three forecasts.
#   Rscript tests/unit/ets_ref.R   (Debian: r-base-core, r-cran-forecast)
suppressMessages(library(forecast))
one <- function(tag, y, model, damped = FALSE) {
  f <- ets(y, model = model, damped = damped)
  m <- frequency(y)
  p <- f$par
  g <- function(k) if (k %in% names(p)) p[[k]] else 0
  x <- f$states[1, ]
  l0 <- x[["l"]]; b0 <- if ("b" %in% names(x)) x[["b"]] else 0
  s <- if (f$components[3] != "N") rev(x[grepl("^s", names(x))]) else numeric(0)
  fc <- forecast(f, h = 3, level = c(80, 95))
  cat(sprintf("    { \"%s\", \"%s\", %.17g, %.17g, %.17g, %.17g, %.17g, %.17g,\n      { %s },\n",
              tag, paste0(substr(model, 1, 1), substr(model, 2, 2), if (damped) "d" else "", substr(model, 3, 3)),
              g("alpha"), g("beta"), g("gamma"), if ("phi" %in% names(p)) p[["phi"]] else 1, l0, b0,
              if (length(s)) paste(sprintf("%.17g", s), collapse = ", ") else "0"))
  cat(sprintf("      %.17g, %.17g, %.17g,\n      { %s }, { %s }, { %s } },\n",
              f$loglik, f$aicc, f$sigma2,
              paste(sprintf("%.17g", fc$mean), collapse = ", "),
              paste(sprintf("%.17g", fc$lower[, 2]), collapse = ", "),
              paste(sprintf("%.17g", fc$upper[, 2]), collapse = ", ")))
}
one("usacc", USAccDeaths, "ANN")
one("usacc", USAccDeaths, "AAN", damped = TRUE)
one("usacc", USAccDeaths, "ANA")
one("usacc", USAccDeaths, "AAA")
one("usacc", USAccDeaths, "MNM")
one("ukgas", UKgas, "MAM")
one("ukgas", UKgas, "MNA")
f <- ets(USAccDeaths)
cat(sprintf("    /* auto usacc: %s AICc %.17g */\n", f$method, f$aicc))
f <- ets(UKgas)
cat(sprintf("    /* auto ukgas: %s AICc %.17g */\n", f$method, f$aicc))
cat("usacc:", paste(as.numeric(USAccDeaths), collapse = ", "), "\n")
cat("ukgas:", paste(as.numeric(UKgas), collapse = ", "), "\n")
# Interval cases (issue 18): R's final states, sigma^2, initial states
# (tegn's order, as above), log-likelihood and the forecast
# mean with 95 % limits for h = 1..12 of multiplicative-error models with
# closed-form variances (class 2: M,A,A, M,A,N, M,Ad,N; class 3: M,A,M,
# M,N,M). Seasons in R's order: s1 the newest state. Not M,N,A: R 8.20's
# class1() puts gamma on the second season state when there is no trend
# (G[3, 1]), so its variances of A,N,A and M,N,A jump at h = m rather than
# m + 1 (its own simulate = TRUE intervals jump at m + 1, as tegn's do).
iv <- function(tag, y, model, damped = FALSE) {
  f <- ets(y, model = model, damped = damped)
  n <- length(y)
  x <- f$states[n + 1, ]
  p <- f$par
  g <- function(k) if (k %in% names(p)) p[[k]] else 0
  s <- x[grepl("^s", names(x))]
  fc <- forecast(f, h = 12, level = 95)
  cat(sprintf("    { \"%s\", \"%s\", %.17g, %.17g, %.17g, %.17g, %.17g,\n      %.17g, %.17g, { %s },\n",
              tag, paste0(substr(model, 1, 1), substr(model, 2, 2), if (damped) "d" else "", substr(model, 3, 3)),
              g("alpha"), g("beta"), g("gamma"), if ("phi" %in% names(p)) p[["phi"]] else 1, f$sigma2,
              x[["l"]], if ("b" %in% names(x)) x[["b"]] else 0,
              if (length(s)) paste(sprintf("%.17g", s), collapse = ", ") else "0"))
  x0 <- f$states[1, ]
  s0 <- if (length(s)) rev(x0[grepl("^s", names(x0))]) else numeric(0)
  cat(sprintf("      %.17g, %.17g, { %s }, %.17g,\n", x0[["l"]], if ("b" %in% names(x0)) x0[["b"]] else 0,
              if (length(s0)) paste(sprintf("%.17g", s0), collapse = ", ") else "0", f$loglik))
  cat(sprintf("      { %s },\n      { %s },\n      { %s } },\n",
              paste(sprintf("%.17g", fc$mean), collapse = ", "),
              paste(sprintf("%.17g", fc$lower[, 1]), collapse = ", "),
              paste(sprintf("%.17g", fc$upper[, 1]), collapse = ", ")))
}
iv("ukgas", UKgas, "MAA")
iv("usacc", USAccDeaths, "MAN")
iv("usacc", USAccDeaths, "MAN", damped = TRUE)
iv("ukgas", UKgas, "MAM")
iv("usacc", USAccDeaths, "MNM")
