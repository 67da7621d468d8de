-- Fixtures of tests/postgres/run.sh: every type read_postgres maps, NULLs,
-- æøå and the characters COPY's text format escapes, and a 1M-row table.
CREATE TABLE typer (
    id int PRIMARY KEY, s smallint, b bigint, r real, d double precision,
    n numeric(10, 2), n0 numeric(12, 0), nu numeric, t text, v varchar(20), c char(5),
    ok boolean, dag date, ts timestamp, tz timestamptz);
INSERT INTO typer VALUES
 (1, 32767, 9223372036854775807, 1.5, 0.1, 12345678.91, 123456789012, 42, 'æøå ÆØÅ', 'Lolland',
  'ab', true, '2024-02-29', '2024-03-01 12:30:00', '2024-03-01 12:30:00.25+01'),
 (2, -32768, -9223372036854775808, -0.25, -1e300, -0.01, 0, 1.5,
  E'tab\there\nnew "q" \\ back\rcr', '', 'abcde', false, '1900-01-01',
  '1999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0, -999999999999, -7, 'Ærø Kommune', 'Næstved', 'ø', NULL, '0001-01-01',
  '2000-01-01 00:00:00', '2000-01-01 00:00:00+00');

CREATE TABLE big AS
SELECT i AS id, i * 0.25::float8 AS x, 'tekst ' || (i % 1000) || ' æøå' AS tekst,
       DATE '2020-01-01' + (i % 1000) AS dag, i % 3 = 0 AS lige
FROM generate_series(1, 1000000) i;

CREATE TABLE chk (id bigint, v bigint CHECK (v <> 700000));
INSERT INTO chk SELECT i, i FROM generate_series(1, 10) i;
