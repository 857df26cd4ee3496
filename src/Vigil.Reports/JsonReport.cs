using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Reports.Json;

namespace Vigil.Reports;

/// <summary>Writes results as the stable JSON documents of docs/json-schema.md: serialized from the records by the
/// source-generated <see cref="ReportJsonContext"/>, shaped by <see cref="JsonContract"/>. snake_case keys, metrics in
/// the analysis' order, null for undefined and non-finite numbers, doubles in shortest round-trip form, timestamps
/// ISO-8601 UTC with Z.</summary>
internal static class JsonReport
{
    /// <summary>The documents' <c>schema_version</c>. Fields may be added within a version; bump it (and note it in
    /// docs/json-schema.md) when a field is renamed, removed, retyped or changes meaning.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The context's options plus the contract and an encoder that leaves non-ASCII text and HTML characters
    /// as they are (the documents are JSON, not HTML).</summary>
    public static JsonSerializerOptions Options { get; } = new(ReportJsonContext.Default.Options)
    {
        TypeInfoResolver = ReportJsonContext.Default.WithAddedModifier(JsonContract.Modify),
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document of <paramref name="document"/>'s runtime type (a result record or a document record).</summary>
    public static string ToJson(object document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonSerializer.Serialize(document, TypeInfo(document.GetType()));
    }

    /// <summary>The document and a final newline.</summary>
    public static void Write(object document, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.Write(ToJson(document));
        w.Write('\n');
    }

    /// <summary>The contract of a document type; throws when the context does not know it.</summary>
    public static JsonTypeInfo TypeInfo(Type type) => Options.GetTypeInfo(type);
}
