using System.Text;

namespace Vigil.Reports.Svg;

/// <summary>Escaping of text for HTML and SVG (text content and quoted attribute values alike).</summary>
internal static class Xml
{
    /// <summary>Escapes &amp; &lt; &gt; " and ' and drops control characters that XML forbids.</summary>
    public static string Escape(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when c < 0x20 && c != '\n' && c != '\t' && c != '\r' => "",
                _ => null,
            };
            if (rep is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(s.Length + 16).Append(s, 0, i);
            sb.Append(rep);
        }
        return sb?.ToString() ?? s;
    }
}
