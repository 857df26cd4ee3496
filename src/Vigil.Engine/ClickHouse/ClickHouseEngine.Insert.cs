using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>Bulk inserts: rows sent as <c>RowBinary</c> in the body of one <c>INSERT</c>, after the statement's text, so
/// that every value is stored with the bytes .NET holds (18.16's text parser is not correctly rounded, so doubles sent as
/// text could be stored one ulp off; docs/engine.md). Into a Distributed table the statement returns once every row is on
/// its shard (the engine sends <c>insert_distributed_sync=1</c>), so what it acknowledges can be read back at once.</summary>
internal sealed partial class ClickHouseEngine
{
    /// <summary>Inserts rows into <paramref name="table"/>'s <paramref name="columns"/> (quoted identifiers, each with its
    /// ClickHouse type as the table declares it, e.g. <c>Nullable(Float64)</c>): <paramref name="writeRows"/> writes each
    /// row's values in the columns' order with <see cref="ClickHouseRowBinary"/>'s methods. Nothing is sent when it writes
    /// no row; a row left incomplete throws before anything is sent.</summary>
    public void InsertRowBinary(string table, IReadOnlyList<(string Name, string Type)> columns, Action<ClickHouseRowBinary> writeRows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(writeRows);
        string statement = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) FORMAT RowBinary";
        // The data starts right after the newline that follows the format's name (ClickHouse's INSERT parser), whatever
        // its first bytes are.
        var rows = new ClickHouseRowBinary(columns, Encoding.UTF8.GetBytes(statement + "\n"));
        writeRows(rows);
        rows.CheckComplete();
        if (rows.Rows == 0) return;
        using HttpResponseMessage response = Send(statement, default, statement + " (rows)", binary: rows.Body);
        Drain(response);
    }
}
