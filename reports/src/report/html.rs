//! HTML building blocks: escaping, tables, figures and the "not run" notice.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// A table of plain-text cells (all escaped here), with a caption.
pub fn table(caption: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table>\n<caption>{}</caption>\n<thead><tr>", esc(caption));
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let class = if cell == NOT_RUN {
                " class=\"missing\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// What a table cell or chart says where a measurement has not been taken.
pub const NOT_RUN: &str = "not run";

/// `what: ` (escaped) to start a notice about `what`; nothing when `what` is empty.
pub fn about(what: &str) -> String {
    if what.is_empty() {
        String::new()
    } else {
        format!("{}: ", esc(what))
    }
}

/// The notice shown instead of a chart: "`what`: not run — run `command`".
pub fn not_run(what: &str, command: &str) -> String {
    format!(
        "<p class=\"missing\">{}{NOT_RUN} — run <code>{}</code></p>\n",
        about(what),
        esc(command)
    )
}

/// A chart's SVG (already escaped by plotters) followed by its table.
pub fn figure(svg: &str, table: &str) -> String {
    format!("<figure>\n{svg}\n</figure>\n{table}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            esc(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(esc("plain"), "plain");
    }

    #[test]
    fn tables_escape_and_mark_missing_cells() {
        let t = table(
            "cap <1>",
            &["a".into(), "b&c".into()],
            &[
                vec!["1".into(), NOT_RUN.into()],
                vec!["<b>".into(), "2".into()],
            ],
        );
        assert!(t.contains("<caption>cap &lt;1&gt;</caption>"));
        assert!(t.contains("<th>b&amp;c</th>"));
        assert!(t.contains("<td>1</td><td class=\"missing\">not run</td>"));
        assert!(t.contains("<td>&lt;b&gt;</td>"));
        assert_eq!(t.matches("<tr>").count(), 3);
    }

    #[test]
    fn not_run_names_the_command() {
        let p = not_run("permute", "scripts/bench quick");
        assert!(
            p.contains("permute: not run — run <code>scripts/bench quick</code>"),
            "{p}"
        );
        assert!(!not_run("", "x").contains(": not"));
    }
}
