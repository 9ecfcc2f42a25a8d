//! The HTML pieces of a report: escaping, tables, inline SVG and the page around them. Every
//! piece of text goes through [`escape`]; the page loads nothing (no script, no font, no
//! stylesheet from anywhere: its style is inline, its charts are inline SVG).

use std::fmt::Write as _;

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number rounded for reading (the CSV files keep full precision), as the terminal shows it.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        "-".to_string()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A signed difference: `+0.587`, `-3.40`.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", num(x))
    } else {
        num(x)
    }
}

/// A table cell: text, and whether it is a number (set right-aligned).
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: false,
        }
    }

    pub fn num(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: true,
        }
    }
}

/// A table with a header row; every cell escaped.
pub fn table(id: &str, head: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut s = format!("<table id=\"{}\">\n<thead><tr>", escape(id));
    for h in head {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for c in row {
            let class = if c.numeric { " class=\"num\"" } else { "" };
            let _ = write!(s, "<td{class}>{}</td>", escape(&c.text));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A definition list of label and value pairs; every text escaped.
pub fn facts(items: &[(&str, String)]) -> String {
    let mut s = String::from("<dl>\n");
    for (k, v) in items {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    s.push_str("</dl>\n");
    s
}

/// A chart for inline use: an SVG document of the plot module without its XML prolog and
/// namespace declaration (inline SVG in HTML needs neither, and the namespace is a URL),
/// scaled to the page's width. Anything that could load or run something (a `<script>`, a
/// `<foreignObject>`, an `href`) is refused, not written.
pub fn inline_svg(svg: &[u8], caption: &str) -> Option<String> {
    let text = std::str::from_utf8(svg).ok()?;
    let start = text.find("<svg")?;
    let body = text[start..]
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(
            "<svg ",
            "<svg role=\"img\" style=\"max-width:100%;height:auto\" ",
            1,
        );
    let lower = body.to_ascii_lowercase();
    if ["<script", "<foreignobject", "href=", "url(", "://"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return None;
    }
    Some(format!(
        "<figure>\n{body}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(caption)
    ))
}

/// The style of every report, inline.
const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;\
color:#222;line-height:1.45}h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;\
border-bottom:1px solid #ccc}p.headline{font-size:1.2em;background:#f4f6f8;padding:.8em 1em;\
border-left:4px solid #0072b2}table{border-collapse:collapse;margin:.6em 0;font-size:.92em}\
th,td{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}th{background:#f0f0f0}\
figure{margin:1em 0}figcaption{color:#555;font-size:.9em}dt{font-weight:bold;margin-top:.4em}\
dd{margin-left:1.5em;word-break:break-all}code{background:#f4f4f4;padding:0 .2em}\
.note{color:#555;font-size:.92em}";

/// The whole page: title, headline sentence and the sections (already HTML).
pub fn page(title: &str, headline: &str, sections: &[String]) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(s, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(s, "<h1>{}</h1>", escape(title));
    let _ = writeln!(
        s,
        "<p class=\"headline\" id=\"headline\">{}</p>",
        escape(headline)
    );
    for section in sections {
        s.push_str(section);
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// A section: a heading with an id, and its HTML.
pub fn section(id: &str, heading: &str, html: &str) -> String {
    format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n{html}</section>\n",
        escape(id),
        escape(heading)
    )
}

/// A paragraph of escaped text with a class.
pub fn para(class: &str, text: &str) -> String {
    format!("<p class=\"{}\">{}</p>\n", escape(class), escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let t = table("t", &["<h>"], &[vec![Cell::text("<script>")]]);
        assert!(t.contains("&lt;h&gt;") && t.contains("&lt;script&gt;"));
        assert!(!t.contains("<script>"));
        let p = page("a<b", "c&d", &[]);
        assert!(p.contains("<title>a&lt;b</title>") && p.contains("c&amp;d"));
    }

    #[test]
    fn inline_svg_drops_the_namespace_and_refuses_links() {
        let svg = br#"<?xml version="1.0"?><svg width="10" height="10" xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#;
        let html = inline_svg(svg, "a <chart>").unwrap();
        assert!(!html.contains("http"), "{html}");
        assert!(html.starts_with("<figure>\n<svg role=\"img\""), "{html}");
        assert!(html.contains("a &lt;chart&gt;"));
        let linked = br#"<svg><image href="https://example.org/x.png"/></svg>"#;
        assert!(inline_svg(linked, "").is_none());
    }
}
