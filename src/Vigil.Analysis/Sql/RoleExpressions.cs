using Vigil.Analysis.Columns;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Sql;

/// <summary>SQL expressions that turn a source's raw columns into typed values, portable across engines through the
/// dialect. Raw column references are always quoted identifiers; nothing user-given is spliced in unquoted.</summary>
internal sealed class RoleExpressions(SqlDialect dialect, string sourceName)
{
    public SqlDialect Dialect { get; } = dialect;

    public string Q(string identifier) => Dialect.QuoteIdentifier(identifier);

    public string Col(SourceColumn c) => Q(c.Name);

    /// <summary>The score or a numeric prediction as a double; text columns are parsed (unparseable text becomes null,
    /// counted by the caller as non-numeric).</summary>
    public string Number(SourceColumn c, string flag) => c.Kind switch
    {
        ColumnKind.Double or ColumnKind.Int64 => $"CAST({Col(c)} AS {Dialect.Double})",
        ColumnKind.Boolean => $"(CASE WHEN {Col(c)} THEN 1.0 WHEN NOT {Col(c)} THEN 0.0 END)",
        ColumnKind.String => Dialect.TryCastDouble(Col(c)),
        _ => throw new VigilInputException($"{sourceName}: column '{c.Name}' ({flag}) is {c.SqlType}; expected numbers"),
    };

    /// <summary>Like <see cref="Number"/>, but a text column is a wrongly typed column (an input error), as
    /// <c>evaluate</c> wants: it has no quality report to put unparseable values in.</summary>
    public string StrictNumber(SourceColumn c, string flag) => c.Kind == ColumnKind.String
        ? throw new VigilInputException($"{sourceName}: column '{c.Name}' ({flag}) holds text ({c.SqlType}); expected numbers")
        : Number(c, flag);

    /// <summary>A binary label as 1, 0, or null when it is missing or not a valid binary label.</summary>
    public string BinaryLabel(SourceColumn c) => c.Kind switch
    {
        ColumnKind.Boolean => $"(CASE WHEN {Col(c)} THEN 1 WHEN NOT {Col(c)} THEN 0 END)",
        ColumnKind.Int64 or ColumnKind.Double => $"(CASE WHEN {Col(c)} = 1 THEN 1 WHEN {Col(c)} = 0 THEN 0 END)",
        ColumnKind.String => $"(CASE WHEN lower(trim({Col(c)})) IN ('1', '1.0', 'true', 't', 'yes') THEN 1 " +
                             $"WHEN lower(trim({Col(c)})) IN ('0', '0.0', 'false', 'f', 'no') THEN 0 END)",
        _ => throw new VigilInputException($"{sourceName}: column '{c.Name}' (--label) is {c.SqlType}; expected 0/1 or true/false labels"),
    };

    /// <summary>The timestamp as a timestamp; text is parsed (unparseable text becomes null); numbers are epoch time in
    /// the unit their magnitude shows (see <see cref="EpochToTimestamp"/>).</summary>
    public string Timestamp(SourceColumn c) => c.Kind switch
    {
        ColumnKind.Timestamp => $"CAST({Col(c)} AS TIMESTAMP)",
        ColumnKind.String => Dialect.TryCastTimestamp(Col(c)),
        ColumnKind.Int64 or ColumnKind.Double => EpochToTimestamp(Col(c)),
        _ => throw new VigilInputException($"{sourceName}: column '{c.Name}' (--timestamp) is {c.SqlType}; expected timestamps"),
    };

    /// <summary>Below this magnitude an epoch number is seconds (1e11 s is the year 5138), then milliseconds, microseconds,
    /// and from 1e17 nanoseconds: the ranges do not overlap for any date between 1973 and 5138.</summary>
    public static readonly double[] EpochUnitLimits = [1e11, 1e14, 1e17];

    /// <summary>An epoch number as a timestamp, row by row in the unit its magnitude shows: seconds below 1e11,
    /// milliseconds below 1e14, microseconds below 1e17, else nanoseconds (logs write epoch time in any of them, and
    /// reading milliseconds as seconds would put every row tens of thousands of years ahead). Non-finite values are null.</summary>
    public string EpochToTimestamp(string x)
    {
        string v = $"CAST({x} AS {Dialect.Double})";
        string a = $"abs({v})";
        // NaN compares above every number in both engines, so the first branch also drops NaN and ±inf; seconds beyond
        // ±9e12 (about the year 287,000) are out of range for a timestamp.
        string seconds = $"(CASE WHEN {a} > 1e300 THEN NULL WHEN {a} < 1e11 THEN {v} WHEN {a} < 1e14 THEN {v} / 1e3 " +
                         $"WHEN {a} < 1e17 THEN {v} / 1e6 ELSE {v} / 1e9 END)";
        return $"CAST(CASE WHEN abs({seconds}) < 9e12 THEN to_timestamp({seconds}) END AS TIMESTAMP)";
    }

    /// <summary>The unit <see cref="EpochToTimestamp"/> reads a typical magnitude in ("seconds", "milliseconds", ...),
    /// for a note such as "ts: epoch milliseconds".</summary>
    public static string EpochUnit(double magnitude) => Math.Abs(magnitude) switch
    {
        < 1e11 => "seconds",
        < 1e14 => "milliseconds",
        < 1e17 => "microseconds",
        _ => "nanoseconds",
    };

    /// <summary>Any column as text (segment keys, model versions, class labels).</summary>
    public string Text(SourceColumn c) => c.Kind == ColumnKind.String ? Col(c) : Dialect.CastToText(Col(c));

    /// <summary>A SQL list of the given expressions, or an empty string.</summary>
    public static string Join(IEnumerable<string> parts) => string.Join(", ", parts);
}
