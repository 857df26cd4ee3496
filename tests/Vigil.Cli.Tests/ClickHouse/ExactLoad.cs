using System.Globalization;
using System.Text;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>
/// Loads CSV rows into a ClickHouse table bit-exactly: each field is parsed in .NET as DuckDB's CSV reader parses it
/// (a double correctly rounded, as <see cref="double.Parse(string, NumberStyles, IFormatProvider)"/> gives it) and sent
/// as RowBinary, so no value goes through ClickHouse 18.16's text parser, which is not correctly rounded (<c>-3.548805</c>
/// loads as 0xC00C63F3E0370CDC where the correctly rounded double is …CDD). After the insert every Float64 column's
/// stored bits are read back and compared with the parsed ones (<see cref="FloatMismatches"/>).
/// </summary>
internal static class ExactLoad
{
    /// <summary>Inserts <paramref name="rows"/> (CSV fields; empty is NULL) into <paramref name="table"/> whose columns
    /// are <paramref name="columns"/> (name and ClickHouse type, in the table's order), through shard 0, and checks that
    /// every Float64 value is stored with the bits .NET parses; throws naming the column otherwise.</summary>
    internal static void Insert(ClickHouseCluster cluster, string table, IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string[]> rows)
    {
        cluster.InsertRowBinary(table, Encode(columns, rows));
        foreach (var (name, mismatches) in FloatMismatches(cluster, table, columns, rows))
        {
            if (mismatches != 0)
                throw new InvalidOperationException($"{table}.{name}: {mismatches} Float64 values are stored with other bits than .NET parses");
        }
    }

    /// <summary>For each Float64 column (Nullable or not), how many of its values' bits in <paramref name="table"/> (read
    /// through shard 0, <c>reinterpretAsUInt64</c> of the stored bytes) differ from .NET's parse of the CSV fields, the
    /// two sorted lists compared position by position (a different count of values counts as all of them).</summary>
    internal static List<(string Name, int Mismatches)> FloatMismatches(ClickHouseCluster cluster, string table, IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string[]> rows)
    {
        var result = new List<(string, int)>();
        for (int c = 0; c < columns.Count; c++)
        {
            var (name, type) = columns[c];
            if (Inner(type) != "Float64") continue;
            var expected = rows.Where(r => r[c].Length > 0).Select(r => (ulong)BitConverter.DoubleToInt64Bits(ParseDouble(r[c]))).ToArray();
            Array.Sort(expected);
            string text = cluster.Sql(0, $"SELECT reinterpretAsUInt64(reinterpretAsString(assumeNotNull(`{name}`))) AS b FROM {table} WHERE isNotNull(`{name}`) ORDER BY b");
            var stored = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => ulong.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            int mismatches = stored.Length != expected.Length ? Math.Max(stored.Length, expected.Length) : expected.Zip(stored).Count(p => p.First != p.Second);
            result.Add((name, mismatches));
        }
        return result;
    }

    /// <summary>DuckDB's nan: the positive quiet NaN (.NET's <see cref="double.NaN"/> has the sign bit set).</summary>
    private static readonly double DuckDbNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    /// <summary>A CSV field as DuckDB reads it into a DOUBLE, bit for bit (checked by ExactLoadTests against DuckDB for
    /// every file the cluster tests load): nan (0x7FF8000000000000, as DuckDB gives it) and inf by name, anything else
    /// correctly rounded by .NET (-0.0 stays negative zero).</summary>
    internal static double ParseDouble(string s)
    {
        string t = s.Trim();
        string u = t.TrimStart('+', '-');
        bool negative = t.StartsWith('-');
        if (u.Equals("nan", StringComparison.OrdinalIgnoreCase)) return DuckDbNaN;
        if (u.Equals("inf", StringComparison.OrdinalIgnoreCase) || u.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The rows in RowBinary: per row each column's value, in order; a Nullable column's value led by a byte (1
    /// for NULL, an empty field, and nothing after it; 0 before a value).</summary>
    internal static byte[] Encode(IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string[]> rows)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var (row, r) in rows.Select((row, r) => (row, r)))
            {
                if (row.Length != columns.Count) throw new InvalidOperationException($"row {r + 1}: {row.Length} fields for {columns.Count} columns");
                for (int c = 0; c < columns.Count; c++)
                {
                    string type = columns[c].Type, field = row[c];
                    bool nullable = type.StartsWith("Nullable(", StringComparison.Ordinal);
                    if (nullable)
                    {
                        w.Write((byte)(field.Length == 0 ? 1 : 0));
                        if (field.Length == 0) continue;
                    }
                    try
                    {
                        Value(w, Inner(type), field);
                    }
                    catch (FormatException e)
                    {
                        throw new InvalidOperationException($"row {r + 1}, column {columns[c].Name} ({type}): '{field}': {e.Message}", e);
                    }
                }
            }
        }
        return stream.ToArray();
    }

    private static void Value(BinaryWriter w, string type, string field)
    {
        // BinaryWriter writes little-endian on every platform, as RowBinary wants.
        switch (type)
        {
            case "Float64":
                w.Write(ParseDouble(field));
                break;
            case "Int64":
                w.Write(long.Parse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                break;
            case "DateTime('UTC')":
            {
                var t = DateTime.ParseExact(field, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                w.Write(checked((uint)(t - DateTime.UnixEpoch).TotalSeconds));
                break;
            }
            case "Date":
            {
                var d = DateTime.ParseExact(field, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                w.Write(checked((ushort)(d - DateTime.UnixEpoch).TotalDays));
                break;
            }
            case "String":
            {
                byte[] bytes = Encoding.UTF8.GetBytes(field);
                w.Write7BitEncodedInt(bytes.Length);
                w.Write(bytes);
                break;
            }
            default:
                throw new InvalidOperationException($"RowBinary: type {type} is not supported here");
        }
    }

    private static string Inner(string type) =>
        type.StartsWith("Nullable(", StringComparison.Ordinal) ? type["Nullable(".Length..^1] : type;
}
