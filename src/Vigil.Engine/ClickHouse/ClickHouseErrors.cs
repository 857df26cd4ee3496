using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// ClickHouse's error texts as <see cref="VigilEngineException"/>s. An 18.16 server answers
/// <c>Code: 62, e.displayText() = DB::Exception: Syntax error: …, e.what() = DB::Exception</c>; a current one
/// <c>Code: 62. DB::Exception: Syntax error: … (SYNTAX_ERROR) (version 24.3.1.1)</c>. Both become the code ("62") and
/// the message's first line without the wrapping, the exception class or the version.
/// </summary>
internal static partial class ClickHouseErrors
{
    /// <summary>The code for a server that could not be reached at all (connection refused, timeout, name not found).</summary>
    public const string Network = "NETWORK";

    /// <summary>ALL_CONNECTION_TRIES_FAILED: a shard of a Distributed table did not answer.</summary>
    public const string AllConnectionTriesFailed = "279";

    [GeneratedRegex(@"^\s*Code:\s*(\d+)\s*[.,]\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex CodeRegex();

    [GeneratedRegex(@"\(([A-Za-z0-9_.\-\[\]:]+:\d+)\)")]
    private static partial Regex EndpointRegex();

    /// <summary>Whether a ClickHouse code is caused by input by its nature: bad values, credentials, the server, its
    /// limits and its shards. Syntax errors, unknown columns, tables and functions and type errors are Vigil's own when
    /// they come from SQL Vigil wrote; the source opener marks them as the user's for the user's --table and --sql.</summary>
    public static bool IsUserCode(string code) => code switch
    {
        Network => true,
        "6" or "26" or "27" or "32" or "38" or "41" or "69" or "70" or "72" or "73" or "117" => true, // cannot parse / convert the user's values
        "81" => true,                                    // UNKNOWN_DATABASE: the database in the URL
        "159" or "160" or "394" => true,                 // timeout, too slow, query cancelled
        "164" or "291" or "497" => true,                 // readonly, database access denied, access denied
        "192" or "193" or "194" or "195" or "516" => true, // unknown user, wrong password, password required, IP not allowed, authentication failed
        "202" or "203" => true,                          // too many simultaneous queries / no free connection
        "209" or "210" or "279" => true,                 // socket timeout, network error, all connection tries failed (a shard is down)
        "241" or "242" => true,                          // memory limit exceeded, table is read only
        "395" => true,                                   // throwIf in the user's query
        "396" => true,                                   // a limit of the user's profile on a result (Vigil's own becomes ShippedRowLimit's message)
        _ => false,
    };

    /// <summary>Parses an error body into a <see cref="VigilEngineException"/>; <paramref name="status"/> is the HTTP status
    /// (used when the body is not a ClickHouse error text).</summary>
    public static VigilEngineException FromResponse(string body, int status, string? sql)
    {
        (string code, string text) = Parse(body);
        if (code.Length == 0)
        {
            code = "HTTP" + status.ToString(CultureInfo.InvariantCulture);
            text = body.Trim().Length == 0 ? $"HTTP status {status.ToString(CultureInfo.InvariantCulture)}" : body.Trim();
        }
        return new VigilEngineException(VigilEngineException.ClickHouse, code, text, sql, isUserError: code.StartsWith("HTTP", StringComparison.Ordinal) ? status is 401 or 403 : null);
    }

    /// <summary>The code and the cleaned message of a ClickHouse error text; an empty code when it is not one.</summary>
    public static (string Code, string Message) Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // A mid-stream error appended to a result starts on a line of its own: find the "Code:" line.
        string trimmed = body.TrimStart();
        int at = trimmed.StartsWith("Code:", StringComparison.Ordinal) ? 0 : trimmed.IndexOf("\nCode:", StringComparison.Ordinal);
        if (at < 0) return ("", body.Trim());
        if (at > 0) at++;
        Match m = CodeRegex().Match(trimmed[at..]);
        if (!m.Success) return ("", body.Trim());
        string code = m.Groups[1].Value;
        string rest = m.Groups[2].Value;
        string first = FirstLine(rest);
        first = Strip(first);
        string message = first;
        if (code == AllConnectionTriesFailed)
        {
            // "All connection tries failed. Log: \n\nCode: 210, … Connection refused (127.0.0.1:19002) …": name the shard.
            var endpoints = EndpointRegex().Matches(rest).Select(x => x.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
            message = endpoints.Count > 0
                ? $"a shard did not answer ({string.Join(", ", endpoints)}): {first.TrimEnd(' ', ':', '.')}; Vigil never reads a partial result (skip_unavailable_shards=0)"
                : $"a shard did not answer: {first.TrimEnd(' ', ':', '.')}; Vigil never reads a partial result (skip_unavailable_shards=0)";
        }
        return (code, message);
    }

    private static string Strip(string s)
    {
        s = s.Trim();
        if (s.StartsWith("e.displayText() = ", StringComparison.Ordinal)) s = s["e.displayText() = ".Length..];
        int what = s.LastIndexOf(", e.what() = ", StringComparison.Ordinal);
        if (what >= 0) s = s[..what];
        foreach (string prefix in new[] { "DB::Exception: ", "DB::NetException: ", "Poco::Exception. " })
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal)) s = s[prefix.Length..];
        }
        // Current servers end with " (SYNTAX_ERROR) (version 24.3.1.1)".
        int version = s.LastIndexOf(" (version ", StringComparison.Ordinal);
        if (version > 0 && s.EndsWith(')')) s = s[..version];
        return s.Trim();
    }

    private static string FirstLine(string s)
    {
        s = s.Trim();
        int nl = s.IndexOf('\n');
        return (nl < 0 ? s : s[..nl]).Trim();
    }
}
