namespace Vigil.Engine;

/// <summary>How a column's values cross into .NET. Every engine type maps to one of these.</summary>
internal enum ColumnKind
{
    /// <summary>true/false; stored as 0/1 in <see cref="Table.Int64s"/>.</summary>
    Boolean,

    /// <summary>All integer types (signed and unsigned, HUGEINT when it fits).</summary>
    Int64,

    /// <summary>FLOAT, DOUBLE, NUMERIC/DECIMAL (PostgreSQL), HUGEINT values beyond Int64.</summary>
    Double,

    /// <summary>VARCHAR / text.</summary>
    String,

    /// <summary>DATE and TIMESTAMP [WITH TIME ZONE]; stored as microseconds since 1970-01-01 UTC.</summary>
    Timestamp,
}
