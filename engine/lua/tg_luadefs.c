/*
** tg_luadefs.c -- the editor definitions (see tg_luadefs.h): one C table
** of annotations, one entry per function, method and operator of the
** `tegn` module, written out as a LuaLS `---@meta` file after the
** registry of a live runtime was compared with it. The table lives here,
** beside the walk, not in the bindings, so a binding stays code; the walk
** makes the two agree: what a binding registers without an entry here,
** and an entry naming nothing registered, are both problems.
*/
#include "tg_luadefs.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "tg_luaaux.h"
#include "tg_luaval.h"

/* One annotated name: 'owner' is "tegn" or a sub-table ("tegn.sim") for
** functions of the module, a class ("Table") for methods and operators
** (names "__add"); 'params' the parameter list as written in Lua;
** 'ann' the annotation lines without their "---", the first one prose. */
typedef struct def {
    const char *owner, *name, *params, *ann;
} def;

/* The classes of values: the registry's metatable and the LuaLS name. */
static const struct {
    const char *mt, *cls, *about;
} classes[] = {
    { TG_LUAVAL_TABLE_MT, "Table", "An immutable columnar table; verbs return new tables." },
    { TG_LUAVAL_EXPR_MT, "Expr",
      "A column expression, evaluated by C kernels over whole columns." },
    { TG_LUAVAL_WHEN_MT, "When",
      "tegn.when(cond, value): a chain of branches; end it with otherwise." },
    { TG_LUAVAL_WINDOW_MT, "Window",
      "A window expression (lag, lead, cumsum, rolling_mean, ranks), for derive." },
    { "tegn.GroupBy", "GroupBy", "t:group_by(keys): the groups, waiting for :agg{...}." },
    { "tegn.Agg", "Agg", "An aggregate (tegn.sum\"x\", tegn.count(), ...) for GroupBy:agg." },
    { TG_LUAAUX_DATE_MT, "Date",
      "A calendar date (tegn.date); compares with ==, <, <=; d + 7, d2 - d1." },
    { TG_LUAVAL_RULES_MT, "TakstRules", "A regelsæt (tegn.takst.rules): its constants as fields." },
    { "tegn.Null", "Null", "The NULL value (tegn.null)." },
};

/* Metatables of values scripts never hold: tg_luaaux's boxes of C memory. */
static const char *const internal[] = { "tegn.Box" };

/* Operators LuaLS knows, by metamethod; others (__gc, __tostring, __eq,
** __lt, __le, __index, __close) are not annotated. */
static const char *const operators[] = {
    "__add", "__sub",    "__mul", "__div",  "__mod", "__idiv",
    "__unm", "__concat", "__len", "__band", "__bor", "__bnot"
};

/* Written before the classes: the enum aliases and the option tables (in
** pieces: C99 promises string literals of 4095 bytes only). */
static const char *const prelude[] = {
    "---@alias tegn.Type \"int\"|\"float\"|\"bool\"|\"date\"|\"string\"\n"
    "---@alias tegn.Value number|string|boolean|tegn.Date|tegn.Null\n"
    "---@alias tegn.ExprLike tegn.Expr|tegn.Value\n"
    "---@alias tegn.Names string|string[]\n"
    "---@alias tegn.SortKey string|tegn.Expr|{[1]: string, desc?: boolean}\n"
    "---@alias tegn.Collate \"da\"\n"
    "---@alias tegn.JoinHow \"inner\"|\"left\"|\"semi\"|\"anti\"\n"
    "---@alias tegn.AsofDirection \"backward\"|\"forward\"|\"nearest\"\n"
    "---@alias tegn.Period \"day\"|\"week\"|\"month\"|\"quarter\"|\"year\"\n"
    "---@alias tegn.Rounding \"half_up\"|\"half_even\"\n"
    "---@alias tegn.Quantile "
    "\"linear\"|\"hazen\"|\"weibull\"|\"inverted_cdf\"|"
    "\"averaged_inverted_cdf\"|\"closest_observation\"|\"interpolated_inverted_cdf\"|"
    "\"median_unbiased\"|\"normal_unbiased\"|\"excel_exc\"|\"excel_inc\"|\"type1\"|\"type2\"|"
    "\"type3\"|\"type4\"|\"type5\"|\"type6\"|\"type7\"|\"type8\"|\"type9\"\n"
    "---@alias tegn.PivotAgg \"sum\"|\"mean\"|\"count\"|\"min\"|\"max\"|\"first\"|\"last\"\n"
    "---@alias tegn.Encoding "
    "\"utf-8\"|\"windows-1252\"|\"latin-1\"|\"utf-16le\"|\"utf-16be\"|\"auto\"\n"
    "---@alias tegn.WriteMode \"create\"|\"replace\"|\"append\"\n"
    "---@alias tegn.AllowIdentifiers boolean|string[]\n"
    "\n"
    "---@class tegn.ReadCsvOpts\n"
    "---@field sep? string one character, \"tab\" or \"auto\"\n"
    "---@field quote? string\n"
    "---@field escape? string|false|\"auto\"\n"
    "---@field comment? string|false|\"auto\"\n"
    "---@field skip? integer|\"auto\"\n"
    "---@field quotes? \"strict\"|\"lenient\"|\"auto\"\n"
    "---@field header? boolean|\"auto\"\n"
    "---@field encoding? tegn.Encoding\n"
    "---@field decimal? \".\"|\",\"|\"auto\"\n"
    "---@field na? string[]\n"
    "---@field types? table<string, tegn.Type|string[]>\n"
    "---@field on_error? \"fail\"|\"reject\"\n"
    "---@field max_errors? integer\n"
    "---@field threads? integer\n"
    "\n"
    "---@class tegn.CsvReport\n"
    "---@field dialect table\n"
    "---@field notes string[]\n"
    "---@field rows integer\n"
    "---@field rejected integer\n"
    "---@field rejects {line: integer, col: integer, column: string, value: string, "
    "reason: string}[]\n"
    "---@field columns {name: string, type: tegn.Type, decimal?: string, date_format?: "
    "string, note?: string}[]\n"
    "\n",
    "---@class tegn.ReadExcelOpts\n"
    "---@field sheet? string|integer\n"
    "---@field range? string \"B3:F200\"\n"
    "---@field header? boolean|integer|\"auto\"\n"
    "---@field skip? integer\n"
    "---@field types? table<string, tegn.Type|string[]>\n"
    "---@field na? string[]\n"
    "---@field stop_at_empty? boolean\n"
    "---@field drop_totals? boolean|string[]\n"
    "---@field xml? \"fast\"|\"expat\"\n"
    "\n"
    "---@class tegn.EmitOpts\n"
    "---@field decimals? integer\n"
    "---@field indent? integer\n"
    "---@field allow_identifiers? tegn.AllowIdentifiers\n"
    "\n"
    "---@class tegn.WriteCsvOpts\n"
    "---@field excel? boolean\n"
    "---@field sep? string\n"
    "---@field decimal? \".\"|\",\"\n"
    "---@field bom? boolean\n"
    "---@field crlf? boolean\n"
    "---@field header? boolean\n"
    "---@field dates? \"iso\"|\"dmy\"\n"
    "---@field decimals? integer|table<string, integer>\n"
    "---@field allow_identifiers? tegn.AllowIdentifiers\n"
    "\n"
    "---@class tegn.WriteXlsxOpts\n"
    "---@field sheet? string\n"
    "---@field decimals? integer|table<string, integer>\n"
    "---@field formats? table<string, string>\n"
    "---@field header? boolean\n"
    "---@field freeze? boolean\n"
    "---@field autofilter? boolean\n"
    "---@field allow_identifiers? tegn.AllowIdentifiers\n"
    "\n"
    "---@class tegn.WriteParquetOpts\n"
    "---@field compression? \"zstd\"|\"snappy\"|\"none\"\n"
    "---@field row_group_rows? integer\n"
    "---@field partition_by? string[] hive folders; path is then a folder\n"
    "---@field allow_identifiers? tegn.AllowIdentifiers\n"
    "\n"
    "---@class tegn.WriteSqliteOpts\n"
    "---@field mode? tegn.WriteMode\n"
    "---@field allow_identifiers? tegn.AllowIdentifiers\n"
    "\n"
    "---@class tegn.ShowOpts\n"
    "---@field n? integer\n"
    "---@field decimals? integer\n"
    "---@field danish? boolean\n"
    "\n",
    "---@class tegn.GroupByOpts\n"
    "---@field collate? tegn.Collate\n"
    "\n"
    "---@class tegn.JoinOpts\n"
    "---@field on string|table\n"
    "---@field how? tegn.JoinHow\n"
    "---@field suffix? string\n"
    "\n"
    "---@class tegn.JoinAsofOpts\n"
    "---@field on string|string[]\n"
    "---@field by? string|table\n"
    "---@field direction? tegn.AsofDirection\n"
    "---@field suffix? string\n"
    "\n"
    "---@class tegn.TopOpts\n"
    "---@field by string|tegn.Expr\n"
    "---@field per? tegn.Names\n"
    "---@field desc? boolean\n"
    "---@field collate? tegn.Collate\n"
    "\n"
    "---@class tegn.WindowOpts\n"
    "---@field by? tegn.Names\n"
    "---@field order? tegn.SortKey|tegn.SortKey[]\n"
    "---@field default? tegn.Value\n"
    "---@field min_periods? integer\n"
    "\n"
    "---@class tegn.PivotSpec\n"
    "---@field rows tegn.Names\n"
    "---@field cols string\n"
    "---@field values string\n"
    "---@field agg? tegn.PivotAgg\n"
    "---@field fill? tegn.Value\n"
    "\n"
    "---@class tegn.UnpivotSpec\n"
    "---@field keep? string[]\n"
    "---@field melt? string[]\n"
    "---@field into? {[1]: string, [2]: string}\n"
    "---@field drop_null? boolean\n"
    "\n"
    "---@class tegn.CompleteSpec\n"
    "---@field by? tegn.Names\n"
    "---@field period string\n"
    "---@field unit? tegn.Period\n"
    "---@field fill? table<string, tegn.Value>\n"
    "\n"
    "---@class tegn.SuppressSpec\n"
    "---@field count string\n"
    "---@field within? string[]\n"
    "---@field rules? \"tegn\"|\"dst\"\n"
    "---@field mark? string\n"
    "\n"
    "---@class tegn.PseudonymiseOpts\n"
    "---@field into? string\n"
    "---@field length? integer 8 to 64\n"
    "\n"
    "---@class tegn.CastOpts\n"
    "---@field strict? boolean\n"
    "\n"
    "---@class tegn.QuantileOpts\n"
    "---@field method? tegn.Quantile\n"
    "\n",
    "---@class tegn.ForecastOpts\n"
    "---@field by? tegn.Names\n"
    "---@field time string\n"
    "---@field value string\n"
    "---@field period? integer\n"
    "---@field horizon integer\n"
    "---@field trend? boolean\n"
    "---@field damped? boolean\n"
    "---@field model? string\n"
    "---@field alpha? number\n"
    "---@field beta? number\n"
    "---@field gamma? number\n"
    "---@field phi? number\n"
    "---@field level? number\n"
    "---@field lower? number\n"
    "---@field upper? number\n"
    "---@field seed? integer\n"
    "---@field lambda? number\n"
    "---@field min_train? integer\n"
    "---@field refit? boolean\n"
    "\n"
    "---@class tegn.SimSpec\n"
    "---@field tilbud table[]\n"
    "---@field start string|tegn.Date\n"
    "---@field dage integer\n"
    "---@field replikationer? integer\n"
    "---@field seed? integer\n"
    "---@field indkoersel? integer\n"
    "---@field perioder? \"aar\"|\"maaned\"|\"hele\"\n"
    "---@field per_replikation? boolean\n"
    "\n"
    "---@class tegn.ScenarioSpec\n"
    "---@field regler? string|tegn.TakstRules\n"
    "---@field start_aar integer\n"
    "---@field aar? integer\n"
    "---@field replikationer? integer\n"
    "---@field seed? integer\n"
    "---@field opvarmning? integer\n"
    "---@field per_replikation? boolean\n"
    "---@field tilbud table[]\n"
    "\n"
    "---@class tegn.IndicatorSpec\n"
    "---@field id string\n"
    "---@field strategy string\n"
    "---@field title string\n"
    "---@field goal string\n"
    "---@field direction \"up\"|\"down\"\n"
    "---@field unit string\n"
    "---@field kind? \"proportion\"|\"mean\"|\"rate\"\n"
    "---@field compute fun(data: tegn.Data, params: table): tegn.Table, tegn.Table?\n"
    "---@field period? string\n"
    "---@field by? tegn.Names\n"
    "---@field baseline? string|integer|\"first_judged\"\n"
    "---@field comparable_from? string|integer\n"
    "---@field conf? number\n"
    "---@field min_n? integer\n"
    "---@field disclosure? \"tegn\"|\"dst\"|table\n"
    "---@field suppress_below? integer\n"
    "---@field part_of? string\n"
    "---@field per? number\n"
    "---@field flag_deviation? number\n"
    "---@field census? boolean\n"
    "---@field note? string\n"
    "---@field params? table<string, any>\n"
    "\n"
    "---One tilbud-year (docs/takst.md).\n"
    "---@class tegn.TakstSpec\n"
    "---@field aar? integer\n"
    "---@field normerede_pladser number\n"
    "---@field takstdage? integer\n"
    "---@field budget_belaegning? number\n"
    "---@field historik? table<integer, number>\n"
    "---@field akut? boolean\n"
    "---@field omkostninger table<string, number>\n"
    "---@field overhead_pct? number\n"
    "---@field tilsyn_pl_faktor? number\n"
    "---@field maanedsfaktor? number\n"
    "---@field regler? string|tegn.TakstRules\n"
    "\n"
    "---@class tegn.RegulateSpec\n"
    "---@field aar integer\n"
    "---@field belagte_dage? number\n"
    "---@field doegntakst? number\n"
    "---@field provenu? number\n"
    "---@field regnskab number|table<string, number>\n"
    "---@field takstgrundlag number\n"
    "---@field budget_regulering? number\n"
    "---@field regler? string|tegn.TakstRules\n"
    "\n"
    "---@class tegn.BudgetBelaegningSpec\n"
    "---@field aar integer\n"
    "---@field historik table<integer, number>\n"
    "---@field akut? boolean\n"
    "---@field regler? string|tegn.TakstRules\n"
    "\n"
    "---@class tegn.YdelsespakkeSpec\n"
    "---@field timer_fra number\n"
    "---@field timer_til number\n"
    "---@field timepris number\n"
    "---@field periode_dage? integer\n"
    "\n"
    "---@class tegn.TillaegSpec\n"
    "---@field timer number\n"
    "---@field tillaegstakst number\n"
    "\n"
    "---@class tegn.MomsRefusionSpec\n"
    "---@field takst number\n"
    "---@field momsbelagt_andel number\n"
    "---@field regler? string|tegn.TakstRules\n"
    "\n"
    "---@class tegn.DeltidSpec\n"
    "---@field takst number\n"
    "---@field dage_pr_uge integer\n"
    "---@field regler? string|tegn.TakstRules\n"
    "\n"
    "---@class tegn.TestResult\n"
    "---@field est number\n"
    "---@field lo number\n"
    "---@field hi number\n"
    "---@field p number\n"
    "\n"
    "---The data catalog: tegn.data.name loads datasets/<name>.csv or a table of\n"
    "---datasets/tegn.sqlite once per run.\n"
    "---@class tegn.Data\n"
    "---@field [string] tegn.Table\n",
};

#define T "tegn.Table"
#define E "tegn.Expr"

/* The annotations, grouped by owner in the order the file lists them. */
static const def defs[] = {
    /* ---- Table ---- */
    { "Table", "__len", "", "operator len: integer" },
    { "Table", "schema", "",
      "The columns' names and types.\n@return {name: string, type: tegn.Type}[]" },
    { "Table", "columns", "", "The column names in order.\n@return string[]" },
    { "Table", "rows", "",
      "The rows as Lua tables (dates as ISO strings, NULL absent); refused above 1,000,000 "
      "rows.\n@return table[]" },
    { "Table", "head", "n", "The first n rows (default 10).\n@param n? integer\n@return " T },
    { "Table", "describe", "",
      "One row per column: type, nulls, distinct, min, max, mean, median, top.\n@return " T },
    { "Table", "show", "n",
      "Prints the first rows as an aligned table to stderr.\n@param n? integer|tegn.ShowOpts" },
    { "Table", "select", "...",
      "Columns in the list's order, then renames (new = \"old\").\n@param ... "
      "string|table<string|integer, string>\n@return " T },
    { "Table", "rename", "spec",
      "Same columns, some renamed (new = \"old\").\n@param spec table<string, "
      "string>\n@return " T },
    { "Table", "explain", "",
      "The plan of the verbs that make the table, one step per line; after it ran, each "
      "step's rows in and out, time and output size.\n@return string" },
    { "Table", "free", "", "Releases the columns now; the table is unusable afterwards." },
    { "Table", "write_csv", "path, opts",
      "Writes the table as CSV, atomically.\n@param path string\n@param opts? tegn.WriteCsvOpts" },
    { "Table", "write_sqlite", "db, table, opts",
      "Writes the table into a SQLite database in one transaction.\n@param db string\n@param table "
      "string\n@param opts? tegn.WriteSqliteOpts" },
    { "Table", "write_postgres", "service, table, opts",
      "Writes the table into a PostgreSQL table in one transaction (COPY FROM STDIN); the run "
      "needs --allow-db-write SERVICE.\n@param service string\n@param table string\n@param "
      "opts? tegn.WriteSqliteOpts" },
    { "Table", "write_xlsx", "path, opts",
      "Writes the table as one sheet of an Excel workbook.\n@param path string\n@param opts? "
      "tegn.WriteXlsxOpts" },
    { "Table", "write_parquet", "path, opts",
      "Writes the table as an Apache Parquet file (or hive folders with partition_by), "
      "atomically.\n@param path string\n@param opts? tegn.WriteParquetOpts" },
    { "Table", "filter", "pred",
      "The rows where pred is true, in their order.\n@param pred tegn.Expr\n@return " T },
    { "Table", "derive", "spec",
      "New or replaced columns, computed from the table as it was.\n@param spec "
      "table<string|integer, tegn.ExprLike|tegn.Window|table>\n@return " T },
    { "Table", "sort", "...",
      "A stable sort; NULLs last.\n@param ... tegn.SortKey|(tegn.SortKey|{collate?: "
      "tegn.Collate})[]\n@return " T },
    { "Table", "map_rows", "fn",
      "Calls fn(row) for every row (slow: Lua per row); nil drops the row.\n@param fn fun(row: "
      "table): table?\n@return " T },
    { "Table", "group_by", "keys, opts",
      "Groups by names and/or computed keys; finish with :agg{...}.\n@param keys? "
      "tegn.Names|table<string|integer, string|tegn.Expr>\n@param opts? tegn.GroupByOpts\n@return "
      "tegn.GroupBy" },
    { "Table", "join", "other, opts",
      "Joins other on keys.\n@param other " T "\n@param opts tegn.JoinOpts\n@return " T },
    { "Table", "join_asof", "other, opts",
      "For each row the nearest row of other by 'on' (and equal 'by').\n@param other " T
      "\n@param opts tegn.JoinAsofOpts\n@return " T },
    { "Table", "distinct", "cols",
      "The first row of each combination of cols (all columns without).\n@param cols? "
      "string[]\n@return " T },
    { "Table", "top", "n, opts",
      "The n largest (or smallest) rows by 'by', per group.\n@param n integer\n@param opts "
      "tegn.TopOpts\n@return " T },
    { "Table", "pivot", "spec",
      "One column per distinct value of cols.\n@param spec tegn.PivotSpec\n@return " T },
    { "Table", "unpivot", "spec",
      "Columns into name/value rows.\n@param spec tegn.UnpivotSpec\n@return " T },
    { "Table", "complete", "spec",
      "Adds the missing periods of every group.\n@param spec tegn.CompleteSpec\n@return " T },
    { "Table", "pseudonymise", "col, opts",
      "Replaces col by keyed HMAC-SHA-256 pseudonyms.\n@param col string\n@param opts? "
      "tegn.PseudonymiseOpts\n@return " T },
    { "Table", "suppress", "spec",
      "Primary and secondary suppression of a count column.\n@param spec "
      "tegn.SuppressSpec\n@return " T },

    /* ---- Expr ---- */
    { "Expr", "__add", "", "operator add(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__sub", "", "operator sub(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__mul", "", "operator mul(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__div", "", "operator div(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__idiv", "", "operator idiv(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__mod", "", "operator mod(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__unm", "", "operator unm: tegn.Expr" },
    { "Expr", "__concat", "", "operator concat(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__band", "", "operator band(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__bor", "", "operator bor(tegn.ExprLike): tegn.Expr" },
    { "Expr", "__bnot", "", "operator bnot: tegn.Expr" },
#define CMP(n, what) \
    { "Expr", n, "v", what "\n@param v tegn.ExprLike\n@return " E }
    CMP("eq", "Equal (SQL: NULL when either is NULL)."),
    CMP("ne", "Not equal."),
    CMP("lt", "Less than."),
    CMP("le", "Less than or equal."),
    CMP("gt", "Greater than."),
    CMP("ge", "Greater than or equal."),
    CMP("fill_null", "v where the value is NULL."),
    CMP("and_", "Three-valued and (also a & b)."),
    CMP("or_", "Three-valued or (also a | b)."),
#undef CMP
#define TXT(n, what) \
    { "Expr", n, "s", what "\n@param s string\n@return " E }
    TXT("contains", "Whether the text contains s."),
    TXT("starts_with", "Whether the text starts with s."),
    TXT("ends_with", "Whether the text ends with s."),
#undef TXT
#define UN(n, what) \
    { "Expr", n, "", what "\n@return " E }
    UN("is_null", "Whether the value is NULL."),
    UN("not_null", "Whether the value is not NULL."),
    UN("not_", "Three-valued not (also ~a)."),
    UN("floor", "Rounded down."),
    UN("ceil", "Rounded up."),
    UN("abs", "The absolute value."),
    UN("year", "The date's year."),
    UN("quarter", "The date's quarter, 1-4."),
    UN("month", "The date's month, 1-12."),
    UN("day", "The date's day of the month."),
    UN("weekday", "The ISO weekday, 1 (Monday) to 7."),
    UN("isoweek", "The ISO week number."),
    UN("isoyear", "The ISO week's year."),
    UN("days_in_month", "The number of days in the date's month."),
    UN("lower", "The text in lower case."),
    UN("upper", "The text in upper case."),
    UN("len", "The text's length in characters."),
#undef UN
    { "Expr", "between", "lo, hi",
      "lo <= value <= hi.\n@param lo tegn.ExprLike\n@param hi tegn.ExprLike\n@return " E },
    { "Expr", "isin", "values",
      "Whether the value is one of values.\n@param values tegn.Value[]\n@return " E },
    { "Expr", "cast", "type, opts",
      "Converted to type (strict: a bad value is a data error).\n@param type tegn.Type\n@param "
      "opts? tegn.CastOpts\n@return " E },
    { "Expr", "try_cast", "type",
      "Converted to type, NULL where a value does not convert.\n@param type "
      "tegn.Type\n@return " E },
    { "Expr", "round", "digits, mode",
      "Rounded to digits places (default 0, half up).\n@param digits? integer\n@param mode? "
      "tegn.Rounding\n@return " E },
    { "Expr", "trunc", "unit",
      "The date truncated to the start of its period.\n@param unit tegn.Period\n@return " E },
    { "Expr", "lag", "k, opts",
      "The value k rows before (default 1), within by groups in order.\n@param k? integer\n@param "
      "opts? tegn.WindowOpts\n@return tegn.Window" },
    { "Expr", "lead", "k, opts",
      "The value k rows after (default 1).\n@param k? integer\n@param opts? "
      "tegn.WindowOpts\n@return tegn.Window" },
    { "Expr", "cumsum", "opts",
      "The running sum, NULLs skipped.\n@param opts? tegn.WindowOpts\n@return tegn.Window" },
    { "Expr", "rolling_mean", "k, opts",
      "The mean of the last k values.\n@param k integer\n@param opts? tegn.WindowOpts\n@return "
      "tegn.Window" },

    /* ---- When ---- */
    { "When", "when", "cond, value",
      "One more branch, tried after the earlier ones.\n@param cond tegn.Expr\n@param value "
      "tegn.ExprLike\n@return tegn.When" },
    { "When", "otherwise", "value",
      "The value where no branch holds; ends the chain.\n@param value tegn.ExprLike\n@return " E },

    /* ---- GroupBy ---- */
    { "GroupBy", "agg", "spec",
      "One row per group: the keys, then the aggregates.\n@param spec table<string|integer, "
      "tegn.Agg|table>\n@return " T },

    /* ---- Date ---- */
    { "Date", "__add", "", "operator add(integer): tegn.Date" },
    { "Date", "__sub", "", "operator sub(tegn.Date): integer\noperator sub(integer): tegn.Date" },
    { "Date", "__concat", "", "operator concat(string): string" },
    { "Date", "year", "", "@return integer" },
    { "Date", "month", "", "@return integer" },
    { "Date", "day", "", "@return integer" },
    { "Date", "quarter", "", "@return integer" },
    { "Date", "isoweek", "", "@return integer" },
    { "Date", "weekday", "", "ISO weekday, 1 (Monday) to 7.\n@return integer" },
    { "Date", "days_in_month", "", "@return integer" },
    { "Date", "trunc", "unit",
      "The start of the date's period.\n@param unit tegn.Period\n@return tegn.Date" },
    { "Date", "add_days", "n", "@param n integer\n@return tegn.Date" },
    { "Date", "add_months", "n",
      "Clamped to the month's end (2024-01-31 + 1 month = 2024-02-29).\n@param n integer\n@return "
      "tegn.Date" },

    /* ---- the module ---- */
    { "tegn", "read_csv", "path, opts",
      "Loads a CSV file (a workbook goes to read_excel).\n@param path string\n@param opts? "
      "tegn.ReadCsvOpts\n@return " T "\n@return tegn.CsvReport" },
    { "tegn", "read_excel", "path, opts",
      "Loads one sheet of an .xlsx or .xls workbook.\n@param path string\n@param opts? "
      "tegn.ReadExcelOpts\n@return " T "\n@return table report" },
    { "tegn", "read_sqlite", "db, table_or_sql, params",
      "Loads a table or the result of a query.\n@param db string\n@param table_or_sql "
      "string\n@param params? table\n@return " T },
    { "tegn", "read_postgres", "service, sql, params",
      "Loads the result of a query from a PostgreSQL service (a section of the service file); "
      "the run needs --allow-db SERVICE.\n@param service string\n@param sql string\n@param "
      "params? any[]\n@return " T },
    { "tegn", "param", "name, default, type",
      "A --param converted to the default's type (or type); an error when missing without "
      "default.\n@param name string\n@param default? any\n@param type? "
      "\"string\"|\"int\"|\"float\"|\"number\"|\"bool\"|\"date\"\n@return any" },
    { "tegn", "warn", "msg", "Prints 'script.lua:12: warning: msg' to stderr.\n@param msg string" },
    { "tegn", "emit", "doc, opts",
      "The run's JSON document, written when the script succeeds.\n@param doc table|" T
      "\n@param opts? tegn.EmitOpts" },
    { "tegn", "write_xlsx", "path, sheets, opts",
      "Several tables as the sheets of one workbook.\n@param path string\n@param sheets "
      "table<string|integer, " T "|table>\n@param opts? tegn.WriteXlsxOpts" },
    { "tegn", "clock", "",
      "Seconds on a monotonic wall clock; only the difference of two calls means "
      "anything.\n@return number" },
    { "tegn", "date", "y, m, d",
      "A date from \"YYYY-MM-DD\" or from year, month, day.\n@param y string|integer\n@param m? "
      "integer\n@param d? integer\n@return tegn.Date" },
    { "tegn", "col", "name", "The column name as an expression.\n@param name string\n@return " E },
    { "tegn", "lit", "v", "A literal value as an expression.\n@param v tegn.Value\n@return " E },
    { "tegn", "when", "cond, value",
      "The first branch of a when chain.\n@param cond tegn.Expr\n@param value "
      "tegn.ExprLike\n@return tegn.When" },
    { "tegn", "all", "...",
      "Three-valued and of the arguments (or of one list).\n@param ... "
      "tegn.Expr|tegn.Expr[]\n@return " E },
    { "tegn", "any", "...",
      "Three-valued or of the arguments (or of one list).\n@param ... "
      "tegn.Expr|tegn.Expr[]\n@return " E },
    { "tegn", "coalesce", "...",
      "The first non-NULL argument.\n@param ... tegn.ExprLike\n@return " E },
    { "tegn", "concat", "...", "The texts joined.\n@param ... tegn.ExprLike\n@return " E },
    { "tegn", "if_else", "cond, a, b",
      "a where cond is true, else b.\n@param cond tegn.Expr\n@param a tegn.ExprLike\n@param b "
      "tegn.ExprLike\n@return " E },
    { "tegn", "desc", "key", "A descending sort key.\n@param key string|tegn.Expr\n@return table" },
    { "tegn", "row_number", "opts",
      "1, 2, 3, ... within by groups in order.\n@param opts? tegn.WindowOpts\n@return "
      "tegn.Window" },
    { "tegn", "rank", "opts",
      "The rank with gaps.\n@param opts? tegn.WindowOpts\n@return tegn.Window" },
    { "tegn", "dense_rank", "opts",
      "The rank without gaps.\n@param opts? tegn.WindowOpts\n@return tegn.Window" },
    { "tegn", "count", "e",
      "Rows (no argument) or non-NULL values of e.\n@param e? string|tegn.Expr\n@return tegn.Agg" },
#define AGG(n, what) \
    { "tegn", n, "e", what "\n@param e string|tegn.Expr\n@return tegn.Agg" }
    AGG("count_if", "Rows where e is true."),
    AGG("sum", "The sum (NULLs skipped)."),
    AGG("mean", "The mean."),
    AGG("min", "The smallest value."),
    AGG("max", "The largest value."),
    AGG("median", "The median."),
    AGG("std", "The sample standard deviation (n - 1)."),
    AGG("var", "The sample variance (n - 1)."),
    AGG("n_distinct", "The number of distinct non-NULL values."),
    AGG("first", "The first non-NULL value in row order."),
    AGG("last", "The last non-NULL value in row order."),
#undef AGG
    { "tegn", "quantile", "e, p, opts",
      "The p quantile (Hyndman-Fan method by NumPy name).\n@param e string|tegn.Expr\n@param p "
      "number\n@param opts? tegn.QuantileOpts\n@return tegn.Agg" },
    { "tegn", "indicator", "spec",
      "An indicator of a strategy; the run writes the indicator document.\n"
      "@param spec tegn.IndicatorSpec\n"
      "@return " T " series the judged series\n"
      "@return " T " verdicts one row per group" },
    { "tegn.data", "sql", "query, params",
      "A query over datasets/tegn.sqlite.\n@param query string\n@param params? table\n@return " T },
    { "tegn.format", "number", "x, decimals",
      "5855.55 -> \"5.855,55\".\n@param x number\n@param decimals? integer\n@return string" },
    { "tegn.format", "percent", "p, decimals",
      "0.955 -> \"95,5 %\".\n@param p number\n@param decimals? integer\n@return string" },
    { "tegn.format", "kr", "x, decimals",
      "5855.55 -> \"5.856 kr.\".\n@param x number\n@param decimals? integer\n@return string" },
    { "tegn.stats", "wilson", "x, n, conf",
      "Wilson interval of a proportion.\n@param x number\n@param n number\n@param conf? "
      "number\n@return number est\n@return number lo\n@return number hi" },
    { "tegn.stats", "mean_ci", "mean, sd, n, conf",
      "Interval of a mean.\n@param mean number\n@param sd number\n@param n number\n@param conf? "
      "number\n@return number est\n@return number lo\n@return number hi" },
    { "tegn.stats", "rate_ci", "events, exposure, conf",
      "Interval of a rate.\n@param events number\n@param exposure number\n@param conf? "
      "number\n@return number est\n@return number lo\n@return number hi" },
    { "tegn.stats", "prop_diff", "x1, n1, x2, n2, conf",
      "Newcombe interval of p2 - p1.\n@param x1 number\n@param n1 number\n@param x2 number\n@param "
      "n2 number\n@param conf? number\n@return tegn.TestResult" },
    { "tegn.stats", "mean_diff", "m1, sd1, n1, m2, sd2, n2, conf",
      "Welch interval of m2 - m1.\n@param m1 number\n@param sd1 number\n@param n1 number\n@param "
      "m2 number\n@param sd2 number\n@param n2 number\n@param conf? number\n@return "
      "tegn.TestResult" },
    { "tegn.stats", "rate_ratio", "events1, exposure1, events2, exposure2, conf",
      "Interval of rate2 / rate1.\n@param events1 number\n@param exposure1 number\n@param events2 "
      "number\n@param exposure2 number\n@param conf? number\n@return tegn.TestResult" },
    { "tegn.stats", "trend", "xs, ys, conf",
      "Mann-Kendall test and Theil-Sen slope; nil under 3 points. Also trend(t, \"x\", \"y\" [, "
      "conf]).\n@param xs number[]|" T
      "\n@param ys number[]|string\n@param conf? number|string\n@return table?" },
    { "tegn.stats", "bh", "ps",
      "Benjamini-Hochberg q-values.\n@param ps number[]\n@return number[]" },
    { "tegn.takst", "rules", "base, overrides",
      "A regelsæt: a named one (default BEK2022) with overrides.\n@param base? "
      "string|table\n@param overrides? table\n@return tegn.TakstRules" },
    { "tegn.takst", "rule_sets", "", "The names of the built-in regelsæt.\n@return string[]" },
    { "tegn.takst", "budget_belaegning", "spec",
      "The budgetteret belægning.\n@param spec tegn.BudgetBelaegningSpec\n@return number" },
    { "tegn.takst", "compute", "spec",
      "The takst of one tilbud-year from its budget lines.\n@param spec tegn.TakstSpec\n"
      "@return table" },
    { "tegn.takst", "compute_table", "param, budget, regler",
      "compute over two Tables.\n@param param " T "\n@param budget " T
      "\n@param regler? tegn.TakstRules\n@return " T },
    { "tegn.takst", "regulate", "spec",
      "Efterregulering.\n@param spec tegn.RegulateSpec\n@return table" },
    { "tegn.takst", "ydelsespakke", "spec",
      "The price of an hour band.\n@param spec tegn.YdelsespakkeSpec\n@return table" },
    { "tegn.takst", "tillaeg", "spec",
      "timer x tillaegstakst, in øre.\n@param spec tegn.TillaegSpec\n@return integer" },
    { "tegn.takst", "moms_refusion", "spec",
      "The VAT refund of a takst, in øre.\n@param spec tegn.MomsRefusionSpec\n@return integer" },
    { "tegn.takst", "deltid", "spec",
      "The part-time takst.\n@param spec tegn.DeltidSpec\n@return integer" },
    { "tegn.forecast", "holt_winters", "t, opts",
      "Holt-Winters forecasts with intervals per group.\n@param t " T
      "\n@param opts tegn.ForecastOpts\n@return " T " forecasts\n@return " T " params" },
    { "tegn.forecast", "ets", "t, opts",
      "The ETS family by maximum likelihood, chosen by AICc.\n@param t " T
      "\n@param opts tegn.ForecastOpts\n@return " T " forecasts\n@return " T " params\n@return " T
      " candidates" },
    { "tegn.forecast", "backtest", "t, opts",
      "A rolling-origin backtest against seasonal naive.\n@param t " T
      "\n@param opts tegn.ForecastOpts\n@return " T " overall\n@return " T " per_horizon" },
    { "tegn.sim", "run", "spec",
      "Monte Carlo of referrals and stays against capacity.\n"
      "@param spec tegn.SimSpec\n"
      "@return " T " summary one row per tilbud\n"
      "@return " T " periods one row per tilbud and period\n"
      "@return " T "? replications with per_replikation = true" },
    { "tegn.sim", "from_stays", "stays, opts",
      "Per tilbud, what sim.run needs, estimated from a Table of stays.\n"
      "@param stays " T "\n"
      "@param opts {fra: string|tegn.Date, til: string|tegn.Date, by?: string, indflyttet?: "
      "string, fraflyttet?: string, henvisninger?: tegn.Table, henvist?: string, udfald?: "
      "string}\n"
      "@return " T },
    { "tegn.sim", "erlang_b", "c, a",
      "The Erlang B blocking probability.\n@param c integer\n@param a number\n@return number" },
    { "tegn.sim", "erlang_c", "c, a",
      "The Erlang C waiting probability.\n@param c integer\n@param a number\n@return number" },
    { "tegn.scenario", "run", "spec",
      "Multi-year takst scenarios: one row per tilbud and year.\n"
      "@param spec tegn.ScenarioSpec\n"
      "@return " T "\n"
      "@return " T "? replications with per_replikation = true" },
};

#undef T
#undef E

/* The module's sub-tables, in the order the file declares them. */
static const char *const subtables[] = { "tegn.data",    "tegn.format",   "tegn.stats",
                                         "tegn.takst",   "tegn.forecast", "tegn.sim",
                                         "tegn.scenario" };

/* ---- the walk: what the runtime registers ---- */

/* Whether defs has owner.name. */
static int annotated(const char *owner, const char *name) {
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++)
        if (strcmp(defs[i].owner, owner) == 0 && strcmp(defs[i].name, name) == 0) return 1;
    return 0;
}

/* Pushes the method table behind the metatable at mt (its __index table,
** or the first upvalue of an __index function such as the Table's
** methods-then-columns lookup); nil when there is none. */
static void push_methods(lua_State *L, int mt) {
    int t = lua_getfield(L, mt, "__index");
    if (t == LUA_TFUNCTION) {
        if (!lua_getupvalue(L, -1, 1)) lua_pushnil(L);
        lua_remove(L, -2);
    }
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

/* Reports each function of the table at idx that 'owner' lacks an
** annotation for; a sub-table is walked as its own owner. */
static int check_module(lua_State *L, int idx, const char *owner, tg_sbuf *problems) {
    int n = 0;
    tg_luaaux_push_contents(L, idx);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            if (lua_isfunction(L, -1) && !annotated(owner, k)) {
                tg_sbuf_printf(problems, "no annotation for %s.%s\n", owner, k);
                n++;
            } else if (lua_istable(L, -1) && strcmp(k, "params") != 0) {
                const char *sub = lua_pushfstring(L, "%s.%s", owner, k);
                int known = 0;
                for (size_t i = 0; i < TG_ARRAY_LEN(subtables); i++)
                    known |= strcmp(subtables[i], sub) == 0;
                if (!known) {
                    tg_sbuf_printf(problems, "no annotation for the table %s\n", sub);
                    n++;
                }
                n += check_module(L, -2, sub, problems);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n;
}

/* Whether owner.name is a function the runtime registers. */
static int registered(lua_State *L, const char *owner, const char *name) {
    int found = 0, top = lua_gettop(L);
    if (strncmp(owner, "tegn", 4) == 0) {
        lua_getglobal(L, "tegn");
        for (const char *p = owner + 4; *p == '.' && lua_istable(L, -1);) {
            size_t len = strcspn(p + 1, ".");
            tg_luaaux_push_contents(L, -1);
            lua_pushlstring(L, p + 1, len);
            lua_rawget(L, -2);
            p += 1 + len;
        }
        if (lua_istable(L, -1)) {
            tg_luaaux_push_contents(L, -1);
            lua_pushstring(L, name);
            found = lua_rawget(L, -2) == LUA_TFUNCTION;
        }
    } else {
        for (size_t c = 0; c < TG_ARRAY_LEN(classes); c++) {
            if (strcmp(classes[c].cls, owner) != 0) continue;
            if (luaL_getmetatable(L, classes[c].mt) != LUA_TTABLE) break;
            if (name[0] == '_') {
                found = lua_getfield(L, -1, name) == LUA_TFUNCTION;
                break;
            }
            push_methods(L, lua_gettop(L));
            found = lua_istable(L, -1) && lua_getfield(L, -1, name) == LUA_TFUNCTION;
            break;
        }
    }
    lua_settop(L, top);
    return found;
}

/* Reports the methods and operators of every class without an annotation,
** and a tegn.* metatable that is no known class. */
static int check_classes(lua_State *L, tg_sbuf *problems) {
    int n = 0;
    for (size_t c = 0; c < TG_ARRAY_LEN(classes); c++) {
        if (luaL_getmetatable(L, classes[c].mt) != LUA_TTABLE) {
            tg_sbuf_printf(problems, "no metatable %s for the class %s\n", classes[c].mt,
                           classes[c].cls);
            lua_pop(L, 1);
            n++;
            continue;
        }
        for (size_t o = 0; o < TG_ARRAY_LEN(operators); o++) {
            if (lua_getfield(L, -1, operators[o]) == LUA_TFUNCTION &&
                !annotated(classes[c].cls, operators[o])) {
                tg_sbuf_printf(problems, "no annotation for the operator %s of %s\n", operators[o],
                               classes[c].cls);
                n++;
            }
            lua_pop(L, 1);
        }
        push_methods(L, -1);
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1) &&
                    !annotated(classes[c].cls, lua_tostring(L, -2))) {
                    tg_sbuf_printf(problems, "no annotation for %s:%s\n", classes[c].cls,
                                   lua_tostring(L, -2));
                    n++;
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 2);
    }
    lua_pushnil(L); /* a new class of values needs its entry in classes[] */
    while (lua_next(L, LUA_REGISTRYINDEX)) {
        if (lua_type(L, -2) == LUA_TSTRING && strncmp(lua_tostring(L, -2), "tegn.", 5) == 0 &&
            lua_istable(L, -1)) {
            const char *mt = lua_tostring(L, -2);
            lua_pushliteral(L, "__name"); /* raw: a table with __index may load data */
            int known = lua_rawget(L, -2) != LUA_TSTRING ||
                        strcmp(lua_tostring(L, -1), mt) != 0; /* not a metatable */
            for (size_t c = 0; c < TG_ARRAY_LEN(classes); c++)
                known |= strcmp(classes[c].mt, mt) == 0;
            for (size_t c = 0; c < TG_ARRAY_LEN(internal); c++)
                known |= strcmp(internal[c], mt) == 0;
            if (!known) {
                tg_sbuf_printf(problems, "no class for the metatable %s\n", mt);
                n++;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return n;
}

static int walk_protected(lua_State *L) {
    tg_sbuf *problems = lua_touserdata(L, 1);
    int n = check_classes(L, problems);
    lua_getglobal(L, "tegn");
    n += check_module(L, -1, "tegn", problems);
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++) {
        if (registered(L, defs[i].owner, defs[i].name)) continue;
        tg_sbuf_printf(problems, "annotation for %s%s%s, which the runtime does not register\n",
                       defs[i].owner, strncmp(defs[i].owner, "tegn", 4) == 0 ? "." : ":",
                       defs[i].name);
        n++;
    }
    lua_pushinteger(L, n);
    return 1;
}

/* ---- writing ---- */

/* Writes the lines of 'ann', each after 'prefix'. */
static void write_lines(tg_sbuf *out, const char *ann, const char *prefix) {
    for (const char *p = ann; *p;) {
        size_t len = strcspn(p, "\n");
        tg_sbuf_str(out, prefix);
        tg_sbuf_add(out, p, len);
        tg_sbuf_str(out, "\n");
        p += len + (p[len] == '\n');
    }
}

/* Writes one entry's annotation lines and its function line. */
static void write_def(tg_sbuf *out, const def *d, const char *local) {
    tg_sbuf_str(out, "\n");
    write_lines(out, d->ann, "---");
    if (local) tg_sbuf_cat(out, "function ", local, ":", d->name, "(", d->params, ") end\n", NULL);
    else tg_sbuf_cat(out, "function ", d->owner, ".", d->name, "(", d->params, ") end\n", NULL);
}

static void write_class(tg_sbuf *out, size_t c) {
    const char *cls = classes[c].cls;
    tg_sbuf_cat(out, "\n---", classes[c].about, "\n---@class tegn.", cls, "\n", NULL);
    if (strcmp(cls, "TakstRules") == 0) tg_sbuf_str(out, "---@field [string] any\n");
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++)
        if (strcmp(defs[i].owner, cls) == 0 && defs[i].name[0] == '_')
            write_lines(out, defs[i].ann, "---@");
    if (strcmp(cls, "Table") == 0) tg_sbuf_str(out, "---@field [string] tegn.Expr a column\n");
    tg_sbuf_cat(out, "local ", cls, " = {}\n", NULL);
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++)
        if (strcmp(defs[i].owner, cls) == 0 && defs[i].name[0] != '_')
            write_def(out, &defs[i], cls);
}

static const char header[] =
    "---@meta tegn\n"
    "-- lua/tegn.d.lua -- LuaLS definitions of the tegn module for editors\n"
    "-- (docs/editor.md). Made by `tegn --definitions` from the annotations in\n"
    "-- engine/lua/tg_luadefs.c, checked against what the runtime registers; do\n"
    "-- not edit: the `definitions` test fails when this file and the output differ.\n"
    "\n";

static void write_all(tg_sbuf *out) {
    tg_sbuf_str(out, header);
    for (size_t i = 0; i < TG_ARRAY_LEN(prelude); i++) tg_sbuf_str(out, prelude[i]);
    for (size_t c = 0; c < TG_ARRAY_LEN(classes); c++) write_class(out, c);
    tg_sbuf_str(out, "\n---The tegn module (also `require \"tegn\"`).\n"
                     "---@class tegnlib\n"
                     "---@field version string the engine version\n"
                     "---@field null tegn.Null the NULL value\n"
                     "---@field params table<string, string> the --param values, as given\n"
                     "---@field data tegn.Data\n"
                     "tegn = {}\n");
    for (size_t s = 0; s < TG_ARRAY_LEN(subtables); s++)
        if (strcmp(subtables[s], "tegn.data") != 0) tg_sbuf_cat(out, subtables[s], " = {}\n", NULL);
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++)
        if (strncmp(defs[i].owner, "tegn", 4) == 0) write_def(out, &defs[i], NULL);
    tg_sbuf_str(out, "\nreturn tegn\n");
}

int tg_luadefs_write(tg_lua *rt, tg_sbuf *out, tg_sbuf *problems) {
    lua_State *L = tg_lua_state(rt);
    int top = lua_gettop(L), n = -1;
    lua_pushcfunction(L, walk_protected);
    lua_pushlightuserdata(L, problems);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK) n = (int)lua_tointeger(L, -1);
    else tg_sbuf_printf(problems, "%s\n", lua_tostring(L, -1));
    lua_settop(L, top);
    write_all(out);
    return out->oom || problems->oom ? -1 : n;
}

int tg_luadefs_signature(const char *owner, const char *name, tg_sbuf *out) {
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++) {
        const def *d = &defs[i];
        if (strcmp(d->owner, owner) != 0 || strcmp(d->name, name) != 0 || name[0] == '_') continue;
        size_t prose = d->ann[0] == '@' ? 0 : strcspn(d->ann, "\n");
        int first = 1;
        tg_sbuf_cat(out, owner, strncmp(owner, "tegn", 4) == 0 ? "." : ":", name, "(", d->params,
                    ")", NULL);
        for (const char *p = d->ann; (p = strstr(p, "@return ")) != NULL; first = 0) {
            p += 8;
            size_t len = strcspn(p, " \n"); /* the type, not the name after it */
            tg_sbuf_str(out, first ? " -> " : ", ");
            tg_sbuf_add(out, p, len);
        }
        if (prose) {
            tg_sbuf_str(out, ": ");
            tg_sbuf_add(out, d->ann, prose);
        }
        return 1;
    }
    return 0;
}

void tg_luadefs_each(void (*fn)(void *ud, const char *owner, const char *name), void *ud) {
    for (size_t i = 0; i < TG_ARRAY_LEN(defs); i++)
        if (defs[i].name[0] != '_') fn(ud, defs[i].owner, defs[i].name);
}
