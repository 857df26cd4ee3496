using Npgsql;
using Vigil.Engine.DuckDb;
using Vigil.Engine.Postgres;

namespace Vigil.Engine.Sources;

/// <summary>
/// Opens a <see cref="SourceSpec"/>: files are read in place by an embedded DuckDB; a DuckDB database file is
/// attached read-only; a PostgreSQL or ClickHouse URL runs every query inside that server. Every failure a user can fix
/// is a one-line <see cref="VigilInputException"/> naming the file, table or server. A server's engine gets the
/// <see cref="ShippedRowLimit"/> of <see cref="SourceSpec.MaxShippedRows"/> (else VIGIL_MAX_SHIPPED_ROWS, else the default).
/// </summary>
internal static class SourceOpener
{
    internal const string AttachAlias = "vigil_db";
    internal const string InputView = "input";

    private enum FileFormat { Csv, Tsv, Parquet, Json, JsonLines, DuckDb }

    public static OpenedSource Open(SourceSpec spec, DuckDbOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string? piped = null;
        string original = spec.Inputs.Count > 0 ? spec.Inputs[0] : "";
        if (spec.Inputs.Any(IsPipe))
        {
            if (spec.Inputs.Count > 1) throw new VigilInputException($"{PipeName(spec.Inputs.First(IsPipe))}: piped input must be the only input");
            piped = CopyPipe(spec.Inputs[0], spec.Format);
            spec = spec with { Inputs = [piped] };
        }
        try
        {
            var source = OpenCore(spec, options);
            source.Reopener = () => OpenCore(spec, options);
            if (piped is not null)
            {
                source.Description = PipeName(original);
                source.OnDispose = () => TryDelete(piped);
            }
            return source;
        }
        catch (VigilInputException e) when (piped is not null)
        {
            TryDelete(piped);
            throw new VigilInputException(e.Message.Replace(piped, PipeName(original), StringComparison.Ordinal), e.InnerException);
        }
        catch
        {
            if (piped is not null) TryDelete(piped);
            throw;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Standard input and other pipes

    /// <summary>"-", /dev/stdin and other /dev or /proc paths that are not regular files with data (pipes, process
    /// substitution, terminals), which can be read once only and have no size.</summary>
    internal static bool IsPipe(string input)
    {
        if (input == "-") return true;
        if (!input.StartsWith("/dev/", StringComparison.Ordinal) && !input.StartsWith("/proc/", StringComparison.Ordinal)) return false;
        if (Directory.Exists(input)) return false;
        try
        {
            // A regular file (/dev/shm/x.csv) can seek; pipes, terminals and devices cannot. Opening reads nothing.
            using var f = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            return !f.CanSeek || f.Length == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static string PipeName(string input) => input is "-" or "/dev/stdin" or "/proc/self/fd/0" or "/dev/fd/0" ? "stdin" : input;

    /// <summary>Copies a pipe to a temporary file (DuckDB's readers sniff and scan more than once), named with the
    /// format's extension: the given format, else sniffed from the first bytes (Parquet magic, gzip, '{' or '[' for
    /// JSON, a tab without a comma on the first line for TSV, else CSV).</summary>
    private static string CopyPipe(string input, string? format)
    {
        string tmp = Path.Combine(Path.GetTempPath(), "vigil-stdin-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using (Stream src = input == "-" ? Console.OpenStandardInput() : File.OpenRead(input))
            using (FileStream dst = File.Create(tmp))
            {
                src.CopyTo(dst);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new VigilInputException($"{PipeName(input)}: cannot read ({e.Message})");
        }
        if (new FileInfo(tmp).Length == 0)
        {
            TryDelete(tmp);
            throw new VigilInputException($"{PipeName(input)}: no data{(PipeName(input) == "stdin" ? " on standard input" : "")}");
        }
        string ext = format is not null ? FormatOf(input, format) switch
        {
            FileFormat.Csv => ".csv",
            FileFormat.Tsv => ".tsv",
            FileFormat.Parquet => ".parquet",
            FileFormat.Json => ".json",
            FileFormat.JsonLines => ".jsonl",
            _ => ".duckdb",
        } : SniffExtension(tmp);
        File.Move(tmp, tmp + ext);
        return tmp + ext;
    }

    private static string SniffExtension(string path)
    {
        var head = new byte[4096];
        int n;
        using (FileStream f = File.OpenRead(path)) n = f.Read(head, 0, head.Length);
        if (n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') return ".parquet";
        if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return ".csv.gz";
        if (n >= 16 && System.Text.Encoding.ASCII.GetString(head, 0, 15) == "SQLite format 3") return ".db";
        if (n >= 12 && System.Text.Encoding.ASCII.GetString(head, 8, 4) == "DUCK") return ".duckdb";
        string text = System.Text.Encoding.UTF8.GetString(head, 0, n).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('{')) return ".jsonl";
        if (text.StartsWith('[')) return ".json";
        int nl = text.IndexOf('\n');
        string first = nl < 0 ? text : text[..nl];
        return first.Contains('\t', StringComparison.Ordinal) && !first.Contains(',', StringComparison.Ordinal) ? ".tsv" : ".csv";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static OpenedSource OpenCore(SourceSpec spec, DuckDbOptions? options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyList<string> inputs = spec.Inputs;
        if (inputs.Count == 0)
        {
            if (spec.Sql is null) throw new VigilInputException("no input given; name a file, a DuckDB database, a postgres:// or a clickhouse:// URL");
            return OpenDuckDbSql(spec.Sql, options);
        }
        if (inputs.Any(ClickHouse.ClickHouseConnectionInfo.IsUrl))
        {
            if (inputs.Count > 1) throw new VigilInputException("a ClickHouse URL must be the only input");
            return OpenClickHouse(inputs[0], spec.Table, spec.Sql, ShippedRowLimit.Resolve(spec.MaxShippedRows));
        }
        if (inputs.Any(IsPostgresUrl))
        {
            if (inputs.Count > 1) throw new VigilInputException("a PostgreSQL URL must be the only input");
            return OpenPostgres(inputs[0], spec.Table, spec.Sql, ShippedRowLimit.Resolve(spec.MaxShippedRows));
        }

        var formats = new FileFormat[inputs.Count];
        for (int i = 0; i < inputs.Count; i++) formats[i] = FormatOf(inputs[i], spec.Format);
        if (formats.Contains(FileFormat.DuckDb))
        {
            if (inputs.Count > 1) throw new VigilInputException($"{inputs[0]}: a DuckDB database must be the only input");
            return OpenDuckDbFile(inputs[0], spec.Table, spec.Sql, options);
        }
        if (spec.Table is not null)
            throw new VigilInputException($"{inputs[0]}: --table applies to DuckDB databases and PostgreSQL, not to {FormatName(formats[0])} files");
        FileFormat format = formats[0];
        for (int i = 1; i < formats.Length; i++)
        {
            if (ReaderKind(formats[i]) != ReaderKind(format))
                throw new VigilInputException($"{inputs[i]}: inputs mix formats ({FormatName(format)} and {FormatName(formats[i])}); give files of one format");
        }
        return OpenFiles(inputs, format, spec.Sql, options);
    }

    /// <summary>True for postgres:// and postgresql:// URLs.</summary>
    public static bool IsPostgresUrl(string input) =>
        input.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    // ---------------------------------------------------------------------------------------------
    // Files

    private static FileFormat FormatOf(string input, string? format)
    {
        if (format is not null)
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "csv" => FileFormat.Csv,
                "tsv" => FileFormat.Tsv,
                "parquet" => FileFormat.Parquet,
                "json" => FileFormat.Json,
                "jsonl" or "ndjson" => FileFormat.JsonLines,
                "duckdb" => FileFormat.DuckDb,
                _ => throw new VigilInputException($"unknown format \"{format}\"; expected csv, tsv, parquet, json, jsonl or duckdb"),
            };
        }
        string name = Path.GetFileName(input).ToLowerInvariant();
        foreach (string comp in new[] { ".gz", ".zst" })
        {
            if (name.EndsWith(comp, StringComparison.Ordinal)) name = name[..^comp.Length];
        }
        return Path.GetExtension(name) switch
        {
            ".csv" or ".txt" => FileFormat.Csv,
            ".tsv" or ".tab" => FileFormat.Tsv,
            ".parquet" or ".pq" => FileFormat.Parquet,
            ".json" => FileFormat.Json,
            ".jsonl" or ".ndjson" => FileFormat.JsonLines,
            ".duckdb" or ".db" or ".ddb" => FileFormat.DuckDb,
            _ => throw new VigilInputException($"{input}: unknown format; expected .csv, .tsv, .parquet, .json, .jsonl (or give the format)"),
        };
    }

    private static string ReaderKind(FileFormat f) => f switch
    {
        FileFormat.Csv or FileFormat.Tsv => "csv",
        FileFormat.Json or FileFormat.JsonLines => "json",
        _ => f.ToString(),
    };

    private static string FormatName(FileFormat f) => f switch
    {
        FileFormat.Csv => "CSV",
        FileFormat.Tsv => "TSV",
        FileFormat.Parquet => "Parquet",
        FileFormat.Json => "JSON",
        FileFormat.JsonLines => "JSON lines",
        _ => "DuckDB",
    };

    private static bool IsGlob(string s) => s.IndexOfAny(['*', '?', '[']) >= 0;

    private static bool IsRemote(string s) => s.Contains("://", StringComparison.Ordinal);

    private static OpenedSource OpenFiles(IReadOnlyList<string> inputs, FileFormat format, string? sql, DuckDbOptions? options)
    {
        var engine = new DuckDbEngine(options);
        try
        {
            CheckFiles(engine, inputs);
            string reader = Reader(inputs, format);
            string relation = reader;
            string description = inputs.Count == 1 ? inputs[0] : string.Join(", ", inputs);
            List<SourceColumn> columns;
            try
            {
                columns = Describe(engine, reader);
            }
            catch (DuckDbException e)
            {
                throw ReadError(engine, inputs, format, e);
            }
            var notes = new List<string>();
            if (format is FileFormat.Csv or FileFormat.Tsv)
            {
                CheckHeaderSplit(engine, inputs, format, columns);
                // Text columns that hold only numbers and inf/nan: the sniffer types a column as text when such a value
                // comes first; read them as DOUBLE so that identical data reads identically wherever the inf/nan falls.
                List<string> numeric = NonFiniteNumberColumns(engine, reader, columns);
                if (numeric.Count > 0)
                {
                    reader = Reader(inputs, format, numeric);
                    relation = reader;
                    columns = Describe(engine, reader);
                    notes.Add($"read {string.Join(", ", numeric.Select(c => $"'{c}'"))} as numbers: the values include inf or nan");
                }
            }
            if (sql is not null)
            {
                engine.Execute($"CREATE TEMP VIEW {engine.Dialect.QuoteIdentifier(InputView)} AS SELECT * FROM {reader}");
                relation = $"({sql}) AS src";
                columns = DescribeSql(engine, relation, "--sql");
            }
            return new OpenedSource(engine, relation, description, columns) { Notes = notes };
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static void CheckFiles(DuckDbEngine engine, IReadOnlyList<string> inputs)
    {
        foreach (string input in inputs)
        {
            if (IsRemote(input)) continue;
            if (IsGlob(input))
            {
                Table matches = engine.Query("SELECT file FROM glob($1) ORDER BY file", [input]);
                if (matches.RowCount == 0) throw new VigilInputException($"{input}: no files match");
                for (int r = 0; r < matches.RowCount; r++) CheckFile(matches.GetString(0, r)!);
            }
            else
            {
                CheckFile(input);
            }
        }
    }

    private static void CheckFile(string path)
    {
        if (Directory.Exists(path)) throw new VigilInputException($"{path}: is a directory; give files or a glob such as {Path.Combine(path, "*.csv")}");
        var info = new FileInfo(path);
        if (!info.Exists) throw new VigilInputException($"{path}: no such file");
        if (info.Length == 0) throw new VigilInputException($"{path}: file is empty");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> TextColumns = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="column"/> of every CSV or TSV opened from now on as text. For a value DuckDB's
    /// sniffer could not foresee: it types a column from the first 20,480 rows, and a later value that does not fit
    /// (an unparseable timestamp on line 23,724) fails the query that reaches it. As text, the analyses' own casts read
    /// it, and the summary reports the value. Returns false when the column was already read as text.</summary>
    public static bool ReadCsvColumnAsText(string column) => TextColumns.TryAdd(column, true);

    /// <summary>The column named by DuckDB's error when a CSV value does not fit the type sniffed from the first rows
    /// (<c>Error when converting column "ts". Could not convert string "…" to 'TIMESTAMP'</c>), or null.</summary>
    public static string? CsvConversionColumn(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is not VigilEngineException { Engine: VigilEngineException.DuckDb }) continue;
            var m = System.Text.RegularExpressions.Regex.Match(x.Message, "Error when converting column \"([^\"]+)\"\\. Could not convert string");
            if (m.Success) return m.Groups[1].Value;
        }
        return null;
    }

    private static string Reader(IReadOnlyList<string> files, FileFormat format, IReadOnlyList<string>? doubles = null)
    {
        string list = "[" + string.Join(", ", files.Select(SqlDialect.DuckDb.StringLiteral)) + "]";
        var typed = (doubles ?? []).Where(c => !TextColumns.ContainsKey(c)).Select(c => SqlDialect.DuckDb.StringLiteral(c) + ": 'DOUBLE'")
            .Concat(TextColumns.Keys.Order(StringComparer.Ordinal).Select(c => SqlDialect.DuckDb.StringLiteral(c) + ": 'VARCHAR'")).ToList();
        string types = format is FileFormat.Csv or FileFormat.Tsv && typed.Count > 0 ? ", types = {" + string.Join(", ", typed) + "}" : "";
        return format switch
        {
            FileFormat.Csv => $"read_csv({list}, header = true, union_by_name = true{types})",
            FileFormat.Tsv => $"read_csv({list}, header = true, union_by_name = true, delim = '\\t'{types})",
            FileFormat.Parquet => $"read_parquet({list}, union_by_name = true)",
            FileFormat.Json => $"read_json({list}, union_by_name = true)",
            FileFormat.JsonLines => $"read_json({list}, format = 'newline_delimited', union_by_name = true)",
            _ => throw new InvalidOperationException(),
        };
    }

    private static readonly string[] NonFinite = ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"];

    /// <summary>The text columns whose first rows (DuckDB's sniffing sample) all parse as numbers and include inf, -inf or nan.</summary>
    private static List<string> NonFiniteNumberColumns(DuckDbEngine engine, string reader, List<SourceColumn> columns)
    {
        var text = columns.Where(c => c.SqlType == "VARCHAR").ToList();
        if (text.Count == 0) return [];
        SqlDialect d = engine.Dialect;
        string specials = string.Join(", ", NonFinite.Select(d.StringLiteral));
        var parts = new List<string>();
        foreach (SourceColumn c in text)
        {
            string q = d.QuoteIdentifier(c.Name);
            parts.Add($"count(*) FILTER (WHERE {q} IS NOT NULL AND TRY_CAST(trim({q}) AS DOUBLE) IS NULL)");
            parts.Add($"count(*) FILTER (WHERE lower(trim({q})) IN ({specials}))");
        }
        Table t;
        try
        {
            t = engine.Query($"SELECT {string.Join(", ", parts)} FROM (SELECT * FROM {reader} LIMIT 20480)");
        }
        catch (DuckDbException)
        {
            return []; // a later read reports what is wrong with the file
        }
        var result = new List<string>();
        for (int i = 0; i < text.Count; i++)
        {
            if (t.GetInt64(2 * i, 0) == 0 && t.GetInt64(2 * i + 1, 0) > 0) result.Add(text[i].Name);
        }
        return result;
    }

    /// <summary>A ragged row makes DuckDB's sniffer give up on the delimiter and read each line as one column named
    /// after the whole header; say so, naming the first line whose number of fields differs from the header's.</summary>
    private static void CheckHeaderSplit(DuckDbEngine engine, IReadOnlyList<string> inputs, FileFormat format, List<SourceColumn> columns)
    {
        if (columns.Count != 1) return;
        char[] delimiters = format == FileFormat.Tsv ? ['\t'] : [',', ';', '|', '\t'];
        if (columns[0].Name.IndexOfAny(delimiters) < 0) return;
        foreach (string file in ExpandFiles(engine, inputs))
        {
            if (IsRemote(file)) continue;
            List<SourceColumn> cols;
            try
            {
                cols = Describe(engine, Reader([file], format));
            }
            catch (DuckDbException)
            {
                continue;
            }
            if (cols.Count != 1) continue;
            char delim = delimiters.FirstOrDefault(c => cols[0].Name.Contains(c, StringComparison.Ordinal));
            if (delim == default) continue;
            (long line, int fields, int header)? bad = FirstRaggedLine(file, delim);
            if (bad is { line: > 0 } b)
                throw new VigilInputException($"{file}: could not split the header into columns: line {b.line} has {b.fields} field{(b.fields == 1 ? "" : "s")} where the header has {b.header}");
            // A quoted header holding the delimiter ("a,b") is one column indeed.
            if (bad is null) continue;
            throw new VigilInputException($"{file}: could not split the header into columns (\"{cols[0].Name}\" was read as one column); check the delimiter and the quoting");
        }
    }

    private static List<string> ExpandFiles(DuckDbEngine engine, IReadOnlyList<string> inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (IsGlob(input) && !IsRemote(input))
            {
                Table m = engine.Query("SELECT file FROM glob($1) ORDER BY file", [input]);
                for (int r = 0; r < m.RowCount; r++) files.Add(m.GetString(0, r)!);
            }
            else files.Add(input);
        }
        return files;
    }

    /// <summary>The first line (1-based, the header is line 1) whose number of fields differs from the header's; line 0
    /// when the header splits into several fields but no line differs; null when the header is one field.</summary>
    private static (long Line, int Fields, int Header)? FirstRaggedLine(string path, char delim)
    {
        try
        {
            using Stream raw = File.OpenRead(path);
            using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
            using var reader = new StreamReader(s);
            string? header = reader.ReadLine();
            if (header is null) return null;
            int expected = Fields(header, delim);
            if (expected < 2) return null;
            long n = 1;
            while (reader.ReadLine() is { } line && n < 10_000_000)
            {
                n++;
                if (line.Length == 0) continue;
                int f = Fields(line, delim);
                if (f != expected) return (n, f, expected);
            }
            return (0, expected, expected);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>Fields of one line, splitting on <paramref name="delim"/> outside double quotes.</summary>
    private static int Fields(string line, char delim)
    {
        int count = 1;
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == delim && !quoted) count++;
        }
        return count;
    }

    /// <summary>Names the file that DuckDB cannot read: with several inputs each is probed on its own.</summary>
    private static VigilInputException ReadError(DuckDbEngine engine, IReadOnlyList<string> inputs, FileFormat format, DuckDbException error)
    {
        string what = format is FileFormat.Csv or FileFormat.Tsv ? "" : $"not a readable {FormatName(format)} file ";
        if (inputs.Count > 1 || IsGlob(inputs[0]))
        {
            var files = ExpandFiles(engine, inputs);
            foreach (string f in files)
            {
                try
                {
                    Describe(engine, Reader([f], format));
                }
                catch (DuckDbException e)
                {
                    return Located(f, what, e);
                }
            }
            return Located(string.Join(", ", inputs), what, error);
        }
        return Located(inputs[0], what, error);
    }

    /// <summary>"file: what (DuckDB's first line)", or DuckDB's first line alone when it names the file already (CSV
    /// errors, rewritten by <see cref="DuckDbException"/> to name the file and the line).</summary>
    private static VigilInputException Located(string file, string what, DuckDbException e) =>
        e.FirstLine.StartsWith(file + ":", StringComparison.Ordinal)
            ? new VigilInputException(e.FirstLine, e)
            : new VigilInputException($"{file}: {what}({e.FirstLine})", e);

    /// <summary>A source over any relation of a DuckDB engine (a query over the service's store, say); the engine is
    /// disposed with the source when <paramref name="ownsEngine"/>.</summary>
    internal static OpenedSource OverRelation(IQueryEngine engine, string relation, string description, bool ownsEngine = true) =>
        new(engine, relation, description, engine.Describe(relation), ownsEngine);

    internal static List<SourceColumn> Describe(DuckDbEngine engine, string relation)
    {
        Table t = engine.Query($"DESCRIBE SELECT * FROM {relation}");
        int name = t.IndexOf("column_name"), type = t.IndexOf("column_type");
        var cols = new List<SourceColumn>(t.RowCount);
        for (int r = 0; r < t.RowCount; r++)
        {
            string sqlType = t.GetString(type, r)!;
            cols.Add(new SourceColumn(t.GetString(name, r)!, sqlType, DuckDbKind(sqlType)));
        }
        return cols;
    }

    private static List<SourceColumn> DescribeSql(DuckDbEngine engine, string relation, string what)
    {
        try
        {
            return Describe(engine, relation);
        }
        catch (DuckDbException e)
        {
            // The user's own query: whatever DuckDB says about it is the user's to fix.
            throw e.AsUserError(what);
        }
    }

    /// <summary>Kind of a DuckDB type name as DESCRIBE prints it.</summary>
    internal static ColumnKind DuckDbKind(string sqlType)
    {
        string t = sqlType.ToUpperInvariant();
        if (t == "BOOLEAN") return ColumnKind.Boolean;
        if (t is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT")
            return ColumnKind.Int64;
        if (t is "FLOAT" or "DOUBLE" || t.StartsWith("DECIMAL", StringComparison.Ordinal)) return ColumnKind.Double;
        if (t is "DATE" || t.StartsWith("TIMESTAMP", StringComparison.Ordinal)) return ColumnKind.Timestamp;
        return ColumnKind.String;
    }

    // ---------------------------------------------------------------------------------------------
    // DuckDB: a query over nothing, or a database file

    private static OpenedSource OpenDuckDbSql(string sql, DuckDbOptions? options)
    {
        var engine = new DuckDbEngine(options);
        try
        {
            string relation = $"({sql}) AS src";
            return new OpenedSource(engine, relation, "--sql", DescribeSql(engine, relation, "--sql"));
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static OpenedSource OpenDuckDbFile(string path, string? table, string? sql, DuckDbOptions? options)
    {
        CheckFile(path);
        if (table is null && sql is null)
            throw new VigilInputException($"{path}: a DuckDB database needs a table (--table) or a query (--sql)");
        var engine = new DuckDbEngine(options);
        try
        {
            SqlDialect d = engine.Dialect;
            try
            {
                engine.Execute($"ATTACH {d.StringLiteral(path)} AS {d.QuoteIdentifier(AttachAlias)} (READ_ONLY)");
                engine.Execute($"USE {d.QuoteIdentifier(AttachAlias)}");
            }
            catch (DuckDbException e)
            {
                throw new VigilInputException($"{path}: not a readable DuckDB database ({e.FirstLine})", e);
            }
            if (sql is not null)
            {
                string rel = $"({sql}) AS src";
                return new OpenedSource(engine, rel, $"{path} --sql", DescribeSql(engine, rel, "--sql"));
            }
            string relation = d.QuoteIdentifier(AttachAlias) + "." + d.QuoteQualifiedName(table!);
            try
            {
                return new OpenedSource(engine, relation, $"{path} table {table}", Describe(engine, relation));
            }
            catch (DuckDbException e)
            {
                Table tables = engine.Query(
                    "SELECT CASE WHEN table_schema = 'main' THEN table_name ELSE table_schema || '.' || table_name END AS t " +
                    "FROM information_schema.tables WHERE table_catalog = $1 ORDER BY 1", [AttachAlias]);
                if (tables.RowCount == 0) throw new VigilInputException($"{path}: no table \"{table}\" (the database has no tables)", e);
                var names = new List<string>();
                for (int r = 0; r < tables.RowCount; r++) names.Add(tables.GetString(0, r)!);
                bool exists = names.Contains(table!, StringComparer.OrdinalIgnoreCase);
                throw exists
                    ? new VigilInputException($"{path}: table \"{table}\": {e.FirstLine}", e)
                    : new VigilInputException($"{path}: no table \"{table}\" (tables: {string.Join(", ", names)})", e);
            }
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // PostgreSQL

    /// <summary>Converts a postgres:// URL into an Npgsql connection string.</summary>
    public static string PostgresConnectionString(string url)
    {
        string shown = RedactUrl(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
            throw new VigilInputException($"{shown}: not a valid PostgreSQL URL; expected postgres://user:password@host:port/database");
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = Uri.UnescapeDataString(uri.Host.Trim('[', ']')),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Timeout = 10,
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            int colon = uri.UserInfo.IndexOf(':');
            b.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        string db = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (db.Length > 0) b.Database = db;
        string query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
                try
                {
                    b[key] = value;
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
                {
                    throw new VigilInputException($"{shown}: bad URL parameter {key}={value} ({FirstLine(e.Message)})");
                }
            }
        }
        return b.ConnectionString;
    }

    /// <summary>The URL with its password replaced by ***.</summary>
    public static string RedactUrl(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        int at = url.LastIndexOf('@');
        if (at < scheme) return url;
        int colon = url.IndexOf(':', scheme + 3);
        if (colon < 0 || colon > at) return url;
        return url[..(colon + 1)] + "***" + url[at..];
    }

    private static OpenedSource OpenPostgres(string url, string? table, string? sql, ShippedRowLimit limit)
    {
        string shown = RedactUrl(url);
        if (table is null && sql is null) throw new VigilInputException($"{shown}: PostgreSQL needs a table (--table) or a query (--sql)");
        if (table is not null && sql is not null) throw new VigilInputException($"{shown}: give either --table or --sql, not both");
        string cs = PostgresConnectionString(url);
        PostgresEngine engine;
        try
        {
            engine = new PostgresEngine(cs, limit);
        }
        catch (PostgresException e)
        {
            throw new VigilInputException($"{shown}: {e.MessageText}", e);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or ArgumentException)
        {
            throw new VigilInputException($"{shown}: cannot connect ({FirstLine(Innermost(e).Message)})", e);
        }
        try
        {
            string relation = table is not null ? engine.Dialect.QuoteQualifiedName(table) : $"({sql}) AS src";
            string description = table is not null ? $"{shown} table {table}" : $"{shown} --sql";
            try
            {
                return new OpenedSource(engine, relation, description, DescribePostgres(engine, relation));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName && table is not null)
            {
                throw new VigilInputException($"{shown}: no table \"{table}\" ({e.MessageText})", e);
            }
            catch (NpgsqlException e)
            {
                // The user's own table or query: whatever PostgreSQL says about it is the user's to fix.
                throw VigilEngineException.FromNpgsql(e, $"SELECT * FROM {relation} LIMIT 0").AsUserError(table is not null ? description : "--sql");
            }
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // ClickHouse

    private static OpenedSource OpenClickHouse(string url, string? table, string? sql, ShippedRowLimit limit)
    {
        string shown = RedactUrl(url);
        if (table is null && sql is null) throw new VigilInputException($"{shown}: ClickHouse needs a table (--table) or a query (--sql)");
        if (table is not null && sql is not null) throw new VigilInputException($"{shown}: give either --table or --sql, not both");
        ClickHouse.ClickHouseConnectionInfo info = ClickHouse.ClickHouseConnectionInfo.FromUrl(url, shown);
        ClickHouse.ClickHouseEngine engine;
        try
        {
            engine = new ClickHouse.ClickHouseEngine(info, limit);
        }
        catch (VigilEngineException e) when (e.IsUserError)
        {
            throw new VigilInputException(e.Code switch
            {
                ClickHouse.ClickHouseErrors.Network => $"{shown}: {e.FirstLine()}",
                "192" or "193" or "194" or "516" => $"{shown}: wrong user or password ({e.FirstLine()})",
                _ => $"{shown}: {e.FirstLine()}",
            }, e);
        }
        try
        {
            string relation = table is not null ? engine.Dialect.QuoteQualifiedName(table) : $"({sql}) AS src";
            string description = table is not null ? $"{shown} table {table}" : $"{shown} --sql";
            try
            {
                return new OpenedSource(engine, relation, description, engine.Describe(relation));
            }
            catch (VigilEngineException e) when (table is not null && e.Code is "60" or "81")
            {
                throw new VigilInputException($"{shown}: no table \"{table}\" ({e.FirstLine()})", e);
            }
            catch (VigilEngineException e)
            {
                // The user's own table or query: whatever ClickHouse says about it is the user's to fix.
                throw e.AsUserError(table is not null ? description : "--sql");
            }
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    internal static List<SourceColumn> DescribePostgres(PostgresEngine engine, string relation)
    {
        using var cmd = new NpgsqlCommand($"SELECT * FROM {relation} LIMIT 0", engine.Connection);
        using NpgsqlDataReader reader = cmd.ExecuteReader();
        var cols = new List<SourceColumn>(reader.FieldCount);
        for (int i = 0; i < reader.FieldCount; i++)
        {
            ColumnKind kind = PostgresEngine.KindOf(reader.GetFieldType(i)) ?? ColumnKind.String;
            cols.Add(new SourceColumn(reader.GetName(i), reader.GetDataTypeName(i), kind));
        }
        return cols;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static string FirstLine(string s)
    {
        s = s.Trim();
        int nl = s.IndexOf('\n');
        return (nl < 0 ? s : s[..nl]).Trim();
    }
}
