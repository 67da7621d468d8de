-- postgres.lua -- what read_postgres and write_postgres check before they
-- connect (docs/postgres.md): the service name, the run's --allow-db, the
-- arguments. The driver's runs allow no database service, and no server is
-- needed; the cases against a real PostgreSQL are tests/postgres/check.py.

-- case: a service the run was not given is refused, naming the option
tegn.read_postgres('kommune', 'SELECT 1')
-- error io:
script.lua:1: read_postgres: database service 'kommune' is not allowed for this run (allow it with --allow-db kommune)

-- case: a write needs --allow-db-write
tegn.read_csv(DIR .. 'dmy.csv'):write_postgres('kommune', 'x')
-- error io:
script.lua:1: write_postgres: database service 'kommune' is not allowed for this run (allow it with --allow-db-write kommune)

-- case: a connection string is refused without repeating it (it may hold a password)
tegn.read_postgres('host=db user=a password=hemmelig', 'SELECT 1')
-- error:
script.lua:1: read_postgres: 'service' must be the name of a PostgreSQL service (a [section] of ~/.pg_service.conf or PGSERVICEFILE; letters, digits, '_', '-', '.'), not a connection string: passwords stay out of scripts

-- case: a URI is no service name either
tegn.read_postgres('postgresql://a:b@db/x', 'SELECT 1')
-- error contains:
not a connection string

-- case: the service is checked before the SQL
tegn.read_postgres('', 'SELECT 1')
-- error contains:
read_postgres: 'service' must be the name of a PostgreSQL service

-- case: params is a list for $1, $2, ..., read before the service is asked for
tegn.read_postgres('kommune', 'SELECT $1', { fra = 1 })
-- error contains:
script.lua:1: read_postgres: 'params' must be a list of values for $1, $2, ...

-- case: a parameter must be a value SQL can take
tegn.read_postgres('kommune', 'SELECT $1', { {} })
-- error contains:
read_postgres: 'params[1]' must be a number, string, boolean, date or tegn.null

-- case: write_postgres knows its modes
tegn.read_csv(DIR .. 'dmy.csv'):write_postgres('kommune', 'x', { mode = 'overwrite' })
-- error contains:
write_postgres: 'mode' must be
