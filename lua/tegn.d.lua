---@meta tegn
-- lua/tegn.d.lua -- LuaLS definitions of the tegn module for editors
-- (docs/editor.md). Made by `tegn --definitions` from the annotations in
-- engine/lua/tg_luadefs.c, checked against what the runtime registers; do
-- not edit: the `definitions` test fails when this file and the output differ.

---@alias tegn.Type "int"|"float"|"bool"|"date"|"string"
---@alias tegn.Value number|string|boolean|tegn.Date|tegn.Null
---@alias tegn.ExprLike tegn.Expr|tegn.Value
---@alias tegn.Names string|string[]
---@alias tegn.SortKey string|tegn.Expr|{[1]: string, desc?: boolean}
---@alias tegn.Collate "da"
---@alias tegn.JoinHow "inner"|"left"|"semi"|"anti"
---@alias tegn.AsofDirection "backward"|"forward"|"nearest"
---@alias tegn.Period "day"|"week"|"month"|"quarter"|"year"
---@alias tegn.Rounding "half_up"|"half_even"
---@alias tegn.Quantile "linear"|"hazen"|"weibull"|"inverted_cdf"|"averaged_inverted_cdf"|"closest_observation"|"interpolated_inverted_cdf"|"median_unbiased"|"normal_unbiased"|"excel_exc"|"excel_inc"|"type1"|"type2"|"type3"|"type4"|"type5"|"type6"|"type7"|"type8"|"type9"
---@alias tegn.PivotAgg "sum"|"mean"|"count"|"min"|"max"|"first"|"last"
---@alias tegn.Encoding "utf-8"|"windows-1252"|"latin-1"|"utf-16le"|"utf-16be"|"auto"
---@alias tegn.WriteMode "create"|"replace"|"append"
---@alias tegn.AllowIdentifiers boolean|string[]

---@class tegn.ReadCsvOpts
---@field sep? string one character, "tab" or "auto"
---@field quote? string
---@field escape? string|false|"auto"
---@field comment? string|false|"auto"
---@field skip? integer|"auto"
---@field quotes? "strict"|"lenient"|"auto"
---@field header? boolean|"auto"
---@field encoding? tegn.Encoding
---@field decimal? "."|","|"auto"
---@field na? string[]
---@field types? table<string, tegn.Type|string[]>
---@field on_error? "fail"|"reject"
---@field max_errors? integer
---@field threads? integer

---@class tegn.CsvReport
---@field dialect table
---@field notes string[]
---@field rows integer
---@field rejected integer
---@field rejects {line: integer, col: integer, column: string, value: string, reason: string}[]
---@field columns {name: string, type: tegn.Type, decimal?: string, date_format?: string, note?: string}[]

---@class tegn.ReadExcelOpts
---@field sheet? string|integer
---@field range? string "B3:F200"
---@field header? boolean|integer|"auto"
---@field skip? integer
---@field types? table<string, tegn.Type|string[]>
---@field na? string[]
---@field stop_at_empty? boolean
---@field drop_totals? boolean|string[]
---@field xml? "fast"|"expat"

---@class tegn.EmitOpts
---@field decimals? integer
---@field indent? integer
---@field allow_identifiers? tegn.AllowIdentifiers

---@class tegn.WriteCsvOpts
---@field excel? boolean
---@field sep? string
---@field decimal? "."|","
---@field bom? boolean
---@field crlf? boolean
---@field header? boolean
---@field dates? "iso"|"dmy"
---@field decimals? integer|table<string, integer>
---@field allow_identifiers? tegn.AllowIdentifiers

---@class tegn.WriteXlsxOpts
---@field sheet? string
---@field decimals? integer|table<string, integer>
---@field formats? table<string, string>
---@field header? boolean
---@field freeze? boolean
---@field autofilter? boolean
---@field allow_identifiers? tegn.AllowIdentifiers

---@class tegn.WriteParquetOpts
---@field compression? "zstd"|"snappy"|"none"
---@field row_group_rows? integer
---@field partition_by? string[] hive folders; path is then a folder
---@field allow_identifiers? tegn.AllowIdentifiers

---@class tegn.WriteSqliteOpts
---@field mode? tegn.WriteMode
---@field allow_identifiers? tegn.AllowIdentifiers

---@class tegn.ShowOpts
---@field n? integer
---@field decimals? integer
---@field danish? boolean

---@class tegn.GroupByOpts
---@field collate? tegn.Collate

---@class tegn.JoinOpts
---@field on string|table
---@field how? tegn.JoinHow
---@field suffix? string

---@class tegn.JoinAsofOpts
---@field on string|string[]
---@field by? string|table
---@field direction? tegn.AsofDirection
---@field suffix? string

---@class tegn.TopOpts
---@field by string|tegn.Expr
---@field per? tegn.Names
---@field desc? boolean
---@field collate? tegn.Collate

---@class tegn.WindowOpts
---@field by? tegn.Names
---@field order? tegn.SortKey|tegn.SortKey[]
---@field default? tegn.Value
---@field min_periods? integer

---@class tegn.PivotSpec
---@field rows tegn.Names
---@field cols string
---@field values string
---@field agg? tegn.PivotAgg
---@field fill? tegn.Value

---@class tegn.UnpivotSpec
---@field keep? string[]
---@field melt? string[]
---@field into? {[1]: string, [2]: string}
---@field drop_null? boolean

---@class tegn.CompleteSpec
---@field by? tegn.Names
---@field period string
---@field unit? tegn.Period
---@field fill? table<string, tegn.Value>

---@class tegn.SuppressSpec
---@field count string
---@field within? string[]
---@field rules? "tegn"|"dst"
---@field mark? string

---@class tegn.PseudonymiseOpts
---@field into? string
---@field length? integer 8 to 64

---@class tegn.CastOpts
---@field strict? boolean

---@class tegn.QuantileOpts
---@field method? tegn.Quantile

---@class tegn.ForecastOpts
---@field by? tegn.Names
---@field time string
---@field value string
---@field period? integer
---@field horizon integer
---@field trend? boolean
---@field damped? boolean
---@field model? string
---@field alpha? number
---@field beta? number
---@field gamma? number
---@field phi? number
---@field level? number
---@field lower? number
---@field upper? number
---@field seed? integer
---@field lambda? number
---@field min_train? integer
---@field refit? boolean

---@class tegn.SimSpec
---@field tilbud table[]
---@field start string|tegn.Date
---@field dage integer
---@field replikationer? integer
---@field seed? integer
---@field indkoersel? integer
---@field perioder? "aar"|"maaned"|"hele"
---@field per_replikation? boolean

---@class tegn.ScenarioSpec
---@field regler? string|tegn.TakstRules
---@field start_aar integer
---@field aar? integer
---@field replikationer? integer
---@field seed? integer
---@field opvarmning? integer
---@field per_replikation? boolean
---@field tilbud table[]

---@class tegn.IndicatorSpec
---@field id string
---@field strategy string
---@field title string
---@field goal string
---@field direction "up"|"down"
---@field unit string
---@field kind? "proportion"|"mean"|"rate"
---@field compute fun(data: tegn.Data, params: table): tegn.Table, tegn.Table?
---@field period? string
---@field by? tegn.Names
---@field baseline? string|integer|"first_judged"
---@field comparable_from? string|integer
---@field conf? number
---@field min_n? integer
---@field disclosure? "tegn"|"dst"|table
---@field suppress_below? integer
---@field part_of? string
---@field per? number
---@field flag_deviation? number
---@field census? boolean
---@field note? string
---@field params? table<string, any>

---One tilbud-year (docs/takst.md).
---@class tegn.TakstSpec
---@field aar? integer
---@field normerede_pladser number
---@field takstdage? integer
---@field budget_belaegning? number
---@field historik? table<integer, number>
---@field akut? boolean
---@field omkostninger table<string, number>
---@field overhead_pct? number
---@field tilsyn_pl_faktor? number
---@field maanedsfaktor? number
---@field regler? string|tegn.TakstRules

---@class tegn.RegulateSpec
---@field aar integer
---@field belagte_dage? number
---@field doegntakst? number
---@field provenu? number
---@field regnskab number|table<string, number>
---@field takstgrundlag number
---@field budget_regulering? number
---@field regler? string|tegn.TakstRules

---@class tegn.BudgetBelaegningSpec
---@field aar integer
---@field historik table<integer, number>
---@field akut? boolean
---@field regler? string|tegn.TakstRules

---@class tegn.YdelsespakkeSpec
---@field timer_fra number
---@field timer_til number
---@field timepris number
---@field periode_dage? integer

---@class tegn.TillaegSpec
---@field timer number
---@field tillaegstakst number

---@class tegn.MomsRefusionSpec
---@field takst number
---@field momsbelagt_andel number
---@field regler? string|tegn.TakstRules

---@class tegn.DeltidSpec
---@field takst number
---@field dage_pr_uge integer
---@field regler? string|tegn.TakstRules

---@class tegn.TestResult
---@field est number
---@field lo number
---@field hi number
---@field p number

---The data catalog: tegn.data.name loads datasets/<name>.csv or a table of
---datasets/tegn.sqlite once per run.
---@class tegn.Data
---@field [string] tegn.Table

---An immutable columnar table; verbs return new tables.
---@class tegn.Table
---@operator len: integer
---@field [string] tegn.Expr a column
local Table = {}

---The columns' names and types.
---@return {name: string, type: tegn.Type}[]
function Table:schema() end

---The column names in order.
---@return string[]
function Table:columns() end

---The rows as Lua tables (dates as ISO strings, NULL absent); refused above 1,000,000 rows.
---@return table[]
function Table:rows() end

---The first n rows (default 10).
---@param n? integer
---@return tegn.Table
function Table:head(n) end

---One row per column: type, nulls, distinct, min, max, mean, median, top.
---@return tegn.Table
function Table:describe() end

---Prints the first rows as an aligned table to stderr.
---@param n? integer|tegn.ShowOpts
function Table:show(n) end

---Columns in the list's order, then renames (new = "old").
---@param ... string|table<string|integer, string>
---@return tegn.Table
function Table:select(...) end

---Same columns, some renamed (new = "old").
---@param spec table<string, string>
---@return tegn.Table
function Table:rename(spec) end

---The plan of the verbs that make the table, one step per line; after it ran, each step's rows in and out, time and output size.
---@return string
function Table:explain() end

---Releases the columns now; the table is unusable afterwards.
function Table:free() end

---Writes the table as CSV, atomically.
---@param path string
---@param opts? tegn.WriteCsvOpts
function Table:write_csv(path, opts) end

---Writes the table into a SQLite database in one transaction.
---@param db string
---@param table string
---@param opts? tegn.WriteSqliteOpts
function Table:write_sqlite(db, table, opts) end

---Writes the table into a PostgreSQL table in one transaction (COPY FROM STDIN); the run needs --allow-db-write SERVICE.
---@param service string
---@param table string
---@param opts? tegn.WriteSqliteOpts
function Table:write_postgres(service, table, opts) end

---Writes the table as one sheet of an Excel workbook.
---@param path string
---@param opts? tegn.WriteXlsxOpts
function Table:write_xlsx(path, opts) end

---Writes the table as an Apache Parquet file (or hive folders with partition_by), atomically.
---@param path string
---@param opts? tegn.WriteParquetOpts
function Table:write_parquet(path, opts) end

---The rows where pred is true, in their order.
---@param pred tegn.Expr
---@return tegn.Table
function Table:filter(pred) end

---New or replaced columns, computed from the table as it was.
---@param spec table<string|integer, tegn.ExprLike|tegn.Window|table>
---@return tegn.Table
function Table:derive(spec) end

---A stable sort; NULLs last.
---@param ... tegn.SortKey|(tegn.SortKey|{collate?: tegn.Collate})[]
---@return tegn.Table
function Table:sort(...) end

---Calls fn(row) for every row (slow: Lua per row); nil drops the row.
---@param fn fun(row: table): table?
---@return tegn.Table
function Table:map_rows(fn) end

---Groups by names and/or computed keys; finish with :agg{...}.
---@param keys? tegn.Names|table<string|integer, string|tegn.Expr>
---@param opts? tegn.GroupByOpts
---@return tegn.GroupBy
function Table:group_by(keys, opts) end

---Joins other on keys.
---@param other tegn.Table
---@param opts tegn.JoinOpts
---@return tegn.Table
function Table:join(other, opts) end

---For each row the nearest row of other by 'on' (and equal 'by').
---@param other tegn.Table
---@param opts tegn.JoinAsofOpts
---@return tegn.Table
function Table:join_asof(other, opts) end

---The first row of each combination of cols (all columns without).
---@param cols? string[]
---@return tegn.Table
function Table:distinct(cols) end

---The n largest (or smallest) rows by 'by', per group.
---@param n integer
---@param opts tegn.TopOpts
---@return tegn.Table
function Table:top(n, opts) end

---One column per distinct value of cols.
---@param spec tegn.PivotSpec
---@return tegn.Table
function Table:pivot(spec) end

---Columns into name/value rows.
---@param spec tegn.UnpivotSpec
---@return tegn.Table
function Table:unpivot(spec) end

---Adds the missing periods of every group.
---@param spec tegn.CompleteSpec
---@return tegn.Table
function Table:complete(spec) end

---Replaces col by keyed HMAC-SHA-256 pseudonyms.
---@param col string
---@param opts? tegn.PseudonymiseOpts
---@return tegn.Table
function Table:pseudonymise(col, opts) end

---Primary and secondary suppression of a count column.
---@param spec tegn.SuppressSpec
---@return tegn.Table
function Table:suppress(spec) end

---A column expression, evaluated by C kernels over whole columns.
---@class tegn.Expr
---@operator add(tegn.ExprLike): tegn.Expr
---@operator sub(tegn.ExprLike): tegn.Expr
---@operator mul(tegn.ExprLike): tegn.Expr
---@operator div(tegn.ExprLike): tegn.Expr
---@operator idiv(tegn.ExprLike): tegn.Expr
---@operator mod(tegn.ExprLike): tegn.Expr
---@operator unm: tegn.Expr
---@operator concat(tegn.ExprLike): tegn.Expr
---@operator band(tegn.ExprLike): tegn.Expr
---@operator bor(tegn.ExprLike): tegn.Expr
---@operator bnot: tegn.Expr
local Expr = {}

---Equal (SQL: NULL when either is NULL).
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:eq(v) end

---Not equal.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:ne(v) end

---Less than.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:lt(v) end

---Less than or equal.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:le(v) end

---Greater than.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:gt(v) end

---Greater than or equal.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:ge(v) end

---v where the value is NULL.
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:fill_null(v) end

---Three-valued and (also a & b).
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:and_(v) end

---Three-valued or (also a | b).
---@param v tegn.ExprLike
---@return tegn.Expr
function Expr:or_(v) end

---Whether the text contains s.
---@param s string
---@return tegn.Expr
function Expr:contains(s) end

---Whether the text starts with s.
---@param s string
---@return tegn.Expr
function Expr:starts_with(s) end

---Whether the text ends with s.
---@param s string
---@return tegn.Expr
function Expr:ends_with(s) end

---Whether the value is NULL.
---@return tegn.Expr
function Expr:is_null() end

---Whether the value is not NULL.
---@return tegn.Expr
function Expr:not_null() end

---Three-valued not (also ~a).
---@return tegn.Expr
function Expr:not_() end

---Rounded down.
---@return tegn.Expr
function Expr:floor() end

---Rounded up.
---@return tegn.Expr
function Expr:ceil() end

---The absolute value.
---@return tegn.Expr
function Expr:abs() end

---The date's year.
---@return tegn.Expr
function Expr:year() end

---The date's quarter, 1-4.
---@return tegn.Expr
function Expr:quarter() end

---The date's month, 1-12.
---@return tegn.Expr
function Expr:month() end

---The date's day of the month.
---@return tegn.Expr
function Expr:day() end

---The ISO weekday, 1 (Monday) to 7.
---@return tegn.Expr
function Expr:weekday() end

---The ISO week number.
---@return tegn.Expr
function Expr:isoweek() end

---The ISO week's year.
---@return tegn.Expr
function Expr:isoyear() end

---The number of days in the date's month.
---@return tegn.Expr
function Expr:days_in_month() end

---The text in lower case.
---@return tegn.Expr
function Expr:lower() end

---The text in upper case.
---@return tegn.Expr
function Expr:upper() end

---The text's length in characters.
---@return tegn.Expr
function Expr:len() end

---lo <= value <= hi.
---@param lo tegn.ExprLike
---@param hi tegn.ExprLike
---@return tegn.Expr
function Expr:between(lo, hi) end

---Whether the value is one of values.
---@param values tegn.Value[]
---@return tegn.Expr
function Expr:isin(values) end

---Converted to type (strict: a bad value is a data error).
---@param type tegn.Type
---@param opts? tegn.CastOpts
---@return tegn.Expr
function Expr:cast(type, opts) end

---Converted to type, NULL where a value does not convert.
---@param type tegn.Type
---@return tegn.Expr
function Expr:try_cast(type) end

---Rounded to digits places (default 0, half up).
---@param digits? integer
---@param mode? tegn.Rounding
---@return tegn.Expr
function Expr:round(digits, mode) end

---The date truncated to the start of its period.
---@param unit tegn.Period
---@return tegn.Expr
function Expr:trunc(unit) end

---The value k rows before (default 1), within by groups in order.
---@param k? integer
---@param opts? tegn.WindowOpts
---@return tegn.Window
function Expr:lag(k, opts) end

---The value k rows after (default 1).
---@param k? integer
---@param opts? tegn.WindowOpts
---@return tegn.Window
function Expr:lead(k, opts) end

---The running sum, NULLs skipped.
---@param opts? tegn.WindowOpts
---@return tegn.Window
function Expr:cumsum(opts) end

---The mean of the last k values.
---@param k integer
---@param opts? tegn.WindowOpts
---@return tegn.Window
function Expr:rolling_mean(k, opts) end

---tegn.when(cond, value): a chain of branches; end it with otherwise.
---@class tegn.When
local When = {}

---One more branch, tried after the earlier ones.
---@param cond tegn.Expr
---@param value tegn.ExprLike
---@return tegn.When
function When:when(cond, value) end

---The value where no branch holds; ends the chain.
---@param value tegn.ExprLike
---@return tegn.Expr
function When:otherwise(value) end

---A window expression (lag, lead, cumsum, rolling_mean, ranks), for derive.
---@class tegn.Window
local Window = {}

---t:group_by(keys): the groups, waiting for :agg{...}.
---@class tegn.GroupBy
local GroupBy = {}

---One row per group: the keys, then the aggregates.
---@param spec table<string|integer, tegn.Agg|table>
---@return tegn.Table
function GroupBy:agg(spec) end

---An aggregate (tegn.sum"x", tegn.count(), ...) for GroupBy:agg.
---@class tegn.Agg
local Agg = {}

---A calendar date (tegn.date); compares with ==, <, <=; d + 7, d2 - d1.
---@class tegn.Date
---@operator add(integer): tegn.Date
---@operator sub(tegn.Date): integer
---@operator sub(integer): tegn.Date
---@operator concat(string): string
local Date = {}

---@return integer
function Date:year() end

---@return integer
function Date:month() end

---@return integer
function Date:day() end

---@return integer
function Date:quarter() end

---@return integer
function Date:isoweek() end

---ISO weekday, 1 (Monday) to 7.
---@return integer
function Date:weekday() end

---@return integer
function Date:days_in_month() end

---The start of the date's period.
---@param unit tegn.Period
---@return tegn.Date
function Date:trunc(unit) end

---@param n integer
---@return tegn.Date
function Date:add_days(n) end

---Clamped to the month's end (2024-01-31 + 1 month = 2024-02-29).
---@param n integer
---@return tegn.Date
function Date:add_months(n) end

---A regelsæt (tegn.takst.rules): its constants as fields.
---@class tegn.TakstRules
---@field [string] any
local TakstRules = {}

---The NULL value (tegn.null).
---@class tegn.Null
local Null = {}

---The tegn module (also `require "tegn"`).
---@class tegnlib
---@field version string the engine version
---@field null tegn.Null the NULL value
---@field params table<string, string> the --param values, as given
---@field data tegn.Data
tegn = {}
tegn.format = {}
tegn.stats = {}
tegn.takst = {}
tegn.forecast = {}
tegn.sim = {}
tegn.scenario = {}

---Loads a CSV file (a workbook goes to read_excel).
---@param path string
---@param opts? tegn.ReadCsvOpts
---@return tegn.Table
---@return tegn.CsvReport
function tegn.read_csv(path, opts) end

---Loads one sheet of an .xlsx or .xls workbook.
---@param path string
---@param opts? tegn.ReadExcelOpts
---@return tegn.Table
---@return table report
function tegn.read_excel(path, opts) end

---Loads a table or the result of a query.
---@param db string
---@param table_or_sql string
---@param params? table
---@return tegn.Table
function tegn.read_sqlite(db, table_or_sql, params) end

---Loads the result of a query from a PostgreSQL service (a section of the service file); the run needs --allow-db SERVICE.
---@param service string
---@param sql string
---@param params? any[]
---@return tegn.Table
function tegn.read_postgres(service, sql, params) end

---A --param converted to the default's type (or type); an error when missing without default.
---@param name string
---@param default? any
---@param type? "string"|"int"|"float"|"number"|"bool"|"date"
---@return any
function tegn.param(name, default, type) end

---Prints 'script.lua:12: warning: msg' to stderr.
---@param msg string
function tegn.warn(msg) end

---The run's JSON document, written when the script succeeds.
---@param doc table|tegn.Table
---@param opts? tegn.EmitOpts
function tegn.emit(doc, opts) end

---Several tables as the sheets of one workbook.
---@param path string
---@param sheets table<string|integer, tegn.Table|table>
---@param opts? tegn.WriteXlsxOpts
function tegn.write_xlsx(path, sheets, opts) end

---Seconds on a monotonic wall clock; only the difference of two calls means anything.
---@return number
function tegn.clock() end

---A date from "YYYY-MM-DD" or from year, month, day.
---@param y string|integer
---@param m? integer
---@param d? integer
---@return tegn.Date
function tegn.date(y, m, d) end

---The column name as an expression.
---@param name string
---@return tegn.Expr
function tegn.col(name) end

---A literal value as an expression.
---@param v tegn.Value
---@return tegn.Expr
function tegn.lit(v) end

---The first branch of a when chain.
---@param cond tegn.Expr
---@param value tegn.ExprLike
---@return tegn.When
function tegn.when(cond, value) end

---Three-valued and of the arguments (or of one list).
---@param ... tegn.Expr|tegn.Expr[]
---@return tegn.Expr
function tegn.all(...) end

---Three-valued or of the arguments (or of one list).
---@param ... tegn.Expr|tegn.Expr[]
---@return tegn.Expr
function tegn.any(...) end

---The first non-NULL argument.
---@param ... tegn.ExprLike
---@return tegn.Expr
function tegn.coalesce(...) end

---The texts joined.
---@param ... tegn.ExprLike
---@return tegn.Expr
function tegn.concat(...) end

---a where cond is true, else b.
---@param cond tegn.Expr
---@param a tegn.ExprLike
---@param b tegn.ExprLike
---@return tegn.Expr
function tegn.if_else(cond, a, b) end

---A descending sort key.
---@param key string|tegn.Expr
---@return table
function tegn.desc(key) end

---1, 2, 3, ... within by groups in order.
---@param opts? tegn.WindowOpts
---@return tegn.Window
function tegn.row_number(opts) end

---The rank with gaps.
---@param opts? tegn.WindowOpts
---@return tegn.Window
function tegn.rank(opts) end

---The rank without gaps.
---@param opts? tegn.WindowOpts
---@return tegn.Window
function tegn.dense_rank(opts) end

---Rows (no argument) or non-NULL values of e.
---@param e? string|tegn.Expr
---@return tegn.Agg
function tegn.count(e) end

---Rows where e is true.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.count_if(e) end

---The sum (NULLs skipped).
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.sum(e) end

---The mean.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.mean(e) end

---The smallest value.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.min(e) end

---The largest value.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.max(e) end

---The median.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.median(e) end

---The sample standard deviation (n - 1).
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.std(e) end

---The sample variance (n - 1).
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.var(e) end

---The number of distinct non-NULL values.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.n_distinct(e) end

---The first non-NULL value in row order.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.first(e) end

---The last non-NULL value in row order.
---@param e string|tegn.Expr
---@return tegn.Agg
function tegn.last(e) end

---The p quantile (Hyndman-Fan method by NumPy name).
---@param e string|tegn.Expr
---@param p number
---@param opts? tegn.QuantileOpts
---@return tegn.Agg
function tegn.quantile(e, p, opts) end

---An indicator of a strategy; the run writes the indicator document.
---@param spec tegn.IndicatorSpec
---@return tegn.Table series the judged series
---@return tegn.Table verdicts one row per group
function tegn.indicator(spec) end

---A query over datasets/tegn.sqlite.
---@param query string
---@param params? table
---@return tegn.Table
function tegn.data.sql(query, params) end

---5855.55 -> "5.855,55".
---@param x number
---@param decimals? integer
---@return string
function tegn.format.number(x, decimals) end

---0.955 -> "95,5 %".
---@param p number
---@param decimals? integer
---@return string
function tegn.format.percent(p, decimals) end

---5855.55 -> "5.856 kr.".
---@param x number
---@param decimals? integer
---@return string
function tegn.format.kr(x, decimals) end

---Wilson interval of a proportion.
---@param x number
---@param n number
---@param conf? number
---@return number est
---@return number lo
---@return number hi
function tegn.stats.wilson(x, n, conf) end

---Interval of a mean.
---@param mean number
---@param sd number
---@param n number
---@param conf? number
---@return number est
---@return number lo
---@return number hi
function tegn.stats.mean_ci(mean, sd, n, conf) end

---Interval of a rate.
---@param events number
---@param exposure number
---@param conf? number
---@return number est
---@return number lo
---@return number hi
function tegn.stats.rate_ci(events, exposure, conf) end

---Newcombe interval of p2 - p1.
---@param x1 number
---@param n1 number
---@param x2 number
---@param n2 number
---@param conf? number
---@return tegn.TestResult
function tegn.stats.prop_diff(x1, n1, x2, n2, conf) end

---Welch interval of m2 - m1.
---@param m1 number
---@param sd1 number
---@param n1 number
---@param m2 number
---@param sd2 number
---@param n2 number
---@param conf? number
---@return tegn.TestResult
function tegn.stats.mean_diff(m1, sd1, n1, m2, sd2, n2, conf) end

---Interval of rate2 / rate1.
---@param events1 number
---@param exposure1 number
---@param events2 number
---@param exposure2 number
---@param conf? number
---@return tegn.TestResult
function tegn.stats.rate_ratio(events1, exposure1, events2, exposure2, conf) end

---Mann-Kendall test and Theil-Sen slope; nil under 3 points. Also trend(t, "x", "y" [, conf]).
---@param xs number[]|tegn.Table
---@param ys number[]|string
---@param conf? number|string
---@return table?
function tegn.stats.trend(xs, ys, conf) end

---Benjamini-Hochberg q-values.
---@param ps number[]
---@return number[]
function tegn.stats.bh(ps) end

---A regelsæt: a named one (default BEK2022) with overrides.
---@param base? string|table
---@param overrides? table
---@return tegn.TakstRules
function tegn.takst.rules(base, overrides) end

---The names of the built-in regelsæt.
---@return string[]
function tegn.takst.rule_sets() end

---The budgetteret belægning.
---@param spec tegn.BudgetBelaegningSpec
---@return number
function tegn.takst.budget_belaegning(spec) end

---The takst of one tilbud-year from its budget lines.
---@param spec tegn.TakstSpec
---@return table
function tegn.takst.compute(spec) end

---compute over two Tables.
---@param param tegn.Table
---@param budget tegn.Table
---@param regler? tegn.TakstRules
---@return tegn.Table
function tegn.takst.compute_table(param, budget, regler) end

---Efterregulering.
---@param spec tegn.RegulateSpec
---@return table
function tegn.takst.regulate(spec) end

---The price of an hour band.
---@param spec tegn.YdelsespakkeSpec
---@return table
function tegn.takst.ydelsespakke(spec) end

---timer x tillaegstakst, in øre.
---@param spec tegn.TillaegSpec
---@return integer
function tegn.takst.tillaeg(spec) end

---The VAT refund of a takst, in øre.
---@param spec tegn.MomsRefusionSpec
---@return integer
function tegn.takst.moms_refusion(spec) end

---The part-time takst.
---@param spec tegn.DeltidSpec
---@return integer
function tegn.takst.deltid(spec) end

---Holt-Winters forecasts with intervals per group.
---@param t tegn.Table
---@param opts tegn.ForecastOpts
---@return tegn.Table forecasts
---@return tegn.Table params
function tegn.forecast.holt_winters(t, opts) end

---The ETS family by maximum likelihood, chosen by AICc.
---@param t tegn.Table
---@param opts tegn.ForecastOpts
---@return tegn.Table forecasts
---@return tegn.Table params
---@return tegn.Table candidates
function tegn.forecast.ets(t, opts) end

---A rolling-origin backtest against seasonal naive.
---@param t tegn.Table
---@param opts tegn.ForecastOpts
---@return tegn.Table overall
---@return tegn.Table per_horizon
function tegn.forecast.backtest(t, opts) end

---Monte Carlo of referrals and stays against capacity.
---@param spec tegn.SimSpec
---@return tegn.Table summary one row per tilbud
---@return tegn.Table periods one row per tilbud and period
---@return tegn.Table? replications with per_replikation = true
function tegn.sim.run(spec) end

---Per tilbud, what sim.run needs, estimated from a Table of stays.
---@param stays tegn.Table
---@param opts {fra: string|tegn.Date, til: string|tegn.Date, by?: string, indflyttet?: string, fraflyttet?: string, henvisninger?: tegn.Table, henvist?: string, udfald?: string}
---@return tegn.Table
function tegn.sim.from_stays(stays, opts) end

---The Erlang B blocking probability.
---@param c integer
---@param a number
---@return number
function tegn.sim.erlang_b(c, a) end

---The Erlang C waiting probability.
---@param c integer
---@param a number
---@return number
function tegn.sim.erlang_c(c, a) end

---Multi-year takst scenarios: one row per tilbud and year.
---@param spec tegn.ScenarioSpec
---@return tegn.Table
---@return tegn.Table? replications with per_replikation = true
function tegn.scenario.run(spec) end

return tegn
