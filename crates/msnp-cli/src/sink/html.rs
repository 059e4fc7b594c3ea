//! The page of `--format html`: one self-contained file (inline CSS and script, nothing fetched)
//! drawing the session as a ladder diagram. Each connection is a pair of lifelines, client and
//! server; each command is an arrow between them, in capture order, one table row each;
//! switchboards stand beside the notification session they came from. Flagged commands and
//! framing errors are highlighted, payloads open on a click, and a filter box hides rows.
//!
//! The markup is also well-formed XML (every element closed, attributes quoted, the script in a
//! CDATA section), so a test can parse it. Columns are known only at the end, so rows are kept
//! until [`HtmlSink::finish`]: memory grows with the page, as the page does.

use std::fmt::Write as _;
use std::io::{self, Write};

use msnp_proto::payload::XmlLimits;
use msnp_proto::{Dialect, RawCommand};

use super::Sink;
use super::text::{payload_summary, push_detail};
use crate::record::{CommandRecord, ErrorBody};

/// Appends `s` escaped for HTML text and attribute values. Carriage returns are dropped (the
/// line feed after them breaks the line); other control characters, which XML forbids even as
/// references, are shown as `\u{…}`.
fn push_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// One connection: a client and a server lifeline.
#[derive(Debug)]
struct Lane {
    /// Transcript connection or capture flow; `None` for an unlabelled stream.
    id: Option<u32>,
    /// `ns` or `sb`, from the first command.
    channel: Option<&'static str>,
    /// The dialect of the latest command.
    dialect: &'static str,
    /// The notification lane that was active when this switchboard lane first carried a command.
    parent: Option<usize>,
    commands: u64,
}

/// One table row: which lane it is drawn in, its classes, and the lane cell's markup.
#[derive(Debug)]
struct Row {
    lane: usize,
    class: &'static str,
    /// Source line in the input (when known).
    line: Option<u64>,
    cell: String,
}

/// Writes the `--format html` page.
pub(crate) struct HtmlSink<W: Write> {
    out: W,
    /// Commands and errors flagged so far.
    pub(crate) errors: u64,
    title: String,
    xml: XmlLimits,
    conn: Option<u32>,
    line: Option<u64>,
    lanes: Vec<Lane>,
    /// The lane of the latest notification-server command.
    last_ns: Option<usize>,
    rows: Vec<Row>,
}

impl<W: Write> HtmlSink<W> {
    /// A page titled after `title` (the input's name), written to `out` by [`finish`](Self::finish).
    pub(crate) fn new(out: W, xml: XmlLimits, title: &str) -> Self {
        Self {
            out,
            errors: 0,
            title: title.to_owned(),
            xml,
            conn: None,
            line: None,
            lanes: Vec::new(),
            last_ns: None,
            rows: Vec::new(),
        }
    }

    /// The lane of the current connection, added on first use.
    fn lane(&mut self) -> usize {
        let id = self.conn;
        if let Some(i) = self.lanes.iter().position(|l| l.id == id) {
            return i;
        }
        self.lanes.push(Lane {
            id,
            channel: None,
            dialect: "",
            parent: None,
            commands: 0,
        });
        self.lanes.len() - 1
    }

    /// Lane indexes left to right: each notification (or unknown) lane in order of appearance,
    /// followed by the switchboards it opened.
    fn order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.lanes.len());
        for (i, lane) in self.lanes.iter().enumerate() {
            if lane.parent.is_none() {
                order.push(i);
                order.extend((0..self.lanes.len()).filter(|&j| self.lanes[j].parent == Some(i)));
            }
        }
        order
    }

    /// Writes the page and flushes it.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        let order = self.order();
        let mut page = String::with_capacity(8192 + self.rows.len() * 512);
        page.push_str(HEAD_START);
        push_html(&mut page, &self.title);
        page.push_str(" — msnp ladder</title>\n<style>");
        page.push_str(CSS);
        page.push_str("</style>\n</head>\n<body>\n<header><h1>");
        push_html(&mut page, &self.title);
        let flagged = self
            .rows
            .iter()
            .filter(|r| r.class.contains("error"))
            .count();
        let _ = write!(
            page,
            "</h1><p>{} rows on {} connections, {} flagged</p>",
            self.rows.len(),
            self.lanes.len(),
            flagged
        );
        page.push_str(
            "<p class=\"tools\"><input id=\"q\" type=\"search\" \
             placeholder=\"filter: verb, handle, text…\" autofocus=\"autofocus\"/> \
             <label><input id=\"eo\" type=\"checkbox\"/> errors only</label> \
             <span id=\"shown\"></span></p></header>\n",
        );
        // A fixed layout needs the table's width: lanes must not grow with their longest label.
        let _ = write!(
            page,
            "<table class=\"ladder\" style=\"width:{}px\">\n<thead><tr><th class=\"n\">line</th>",
            NUMBER_WIDTH + order.len() * (LANE_WIDTH + LANE_GAP) + LANE_GAP
        );
        for &i in &order {
            let lane = &self.lanes[i];
            page.push_str("<th class=\"lane\"><div class=\"conn\">");
            match lane.id {
                Some(id) => {
                    let _ = write!(page, "#{id}");
                }
                None => page.push_str("stream"),
            }
            let _ = write!(page, " {} {}", lane.channel.unwrap_or("?"), lane.dialect);
            if let Some(p) = lane.parent {
                match self.lanes[p].id {
                    Some(pid) => {
                        let _ = write!(page, " (from #{pid})");
                    }
                    None => page.push_str(" (from stream)"),
                }
            }
            let _ = write!(
                page,
                "</div><div class=\"ends\"><span>client</span><span class=\"count\">{} commands</span><span>server</span></div></th>",
                lane.commands
            );
        }
        page.push_str("</tr></thead>\n<tbody>\n");
        self.out.write_all(page.as_bytes())?;
        for (i, row) in self.rows.iter().enumerate() {
            page.clear();
            // `#rN` links to the Nth row.
            let _ = write!(
                page,
                "<tr id=\"r{}\" class=\"{}\"><td class=\"n\">",
                i + 1,
                row.class
            );
            if let Some(l) = row.line {
                let _ = write!(page, "{l}");
            }
            page.push_str("</td>");
            for &i in &order {
                if i == row.lane {
                    page.push_str("<td class=\"lane on\">");
                    page.push_str(&row.cell);
                    page.push_str("</td>");
                } else {
                    page.push_str("<td class=\"lane\"></td>");
                }
            }
            page.push_str("</tr>\n");
            self.out.write_all(page.as_bytes())?;
        }
        self.out
            .write_all(b"</tbody>\n</table>\n<script>//<![CDATA[\n")?;
        self.out.write_all(SCRIPT.as_bytes())?;
        self.out.write_all(b"//]]></script>\n</body>\n</html>\n")?;
        self.out.flush()
    }
}

impl<W: Write> Sink for HtmlSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        let verb = cmd.verb();
        let rec = CommandRecord::new(cmd, dialect, verb.as_str(), &self.xml);
        let lane = self.lane();
        {
            let l = &mut self.lanes[lane];
            l.dialect = rec.dialect;
            l.commands += 1;
            if l.channel.is_none() {
                l.channel = Some(rec.channel);
                if rec.channel == "sb" {
                    l.parent = self.last_ns.filter(|&p| p != lane);
                }
            }
        }
        if rec.channel == "ns" {
            self.last_ns = Some(lane);
        }
        let (dir_class, dir_label) = match rec.dir {
            Some("C") => ("c2s", "C→S"),
            Some("S") => ("s2c", "S→C"),
            _ => ("unk", "?→?"),
        };
        let mut label = String::new();
        push_detail(&mut label, &rec);
        let mut cell = String::with_capacity(256);
        // The label may be cut by the lane's width; its tooltip holds all of it.
        let _ = write!(
            cell,
            "<div class=\"msg {dir_class}\"><div class=\"lbl\" title=\"{dir_label} {}/{} ",
            rec.dialect, rec.channel
        );
        push_html(&mut cell, rec.cmd);
        if let Some(t) = rec.trid {
            let _ = write!(cell, " {t}");
        }
        push_html(&mut cell, &label);
        cell.push_str("\"><b>");
        push_html(&mut cell, rec.cmd);
        cell.push_str("</b>");
        if let Some(t) = rec.trid {
            let _ = write!(cell, " <i>{t}</i>");
        }
        cell.push_str("<span class=\"f\">");
        push_html(&mut cell, &label);
        cell.push_str("</span></div><div class=\"arr\"></div></div>");
        if let (Some(summary), Some(p)) = (payload_summary(&rec), &rec.payload) {
            cell.push_str("<details><summary>");
            push_html(&mut cell, &summary);
            cell.push_str("</summary><pre>");
            match (p.text, &p.base64) {
                (Some(t), _) => push_html(&mut cell, t),
                (None, Some(b)) => {
                    cell.push_str("base64: ");
                    push_html(&mut cell, b);
                }
                (None, None) => {}
            }
            cell.push_str("</pre></details>");
        }
        let class = if let Some(e) = &rec.error {
            self.errors += 1;
            cell.push_str("<div class=\"err\">");
            push_html(&mut cell, &e.kind);
            cell.push_str(": ");
            push_html(&mut cell, &e.message);
            cell.push_str("</div>");
            "cmd error"
        } else {
            "cmd"
        };
        self.rows.push(Row {
            lane,
            class,
            line: self.line.take(),
            cell,
        });
        Ok(())
    }

    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        let lane = self.lane();
        let mut cell = String::from("<div class=\"err\">");
        push_html(&mut cell, body.kind);
        let _ = write!(cell, " at {}:{}: ", body.line, body.offset);
        if let Some(cmd) = &body.cmd {
            push_html(&mut cell, cmd);
            cell.push_str(": ");
        }
        push_html(&mut cell, &body.message);
        cell.push_str("</div>");
        self.rows.push(Row {
            lane,
            class: "frame error",
            line: Some(body.line),
            cell,
        });
        Ok(())
    }

    fn connection(&mut self, id: u32) {
        self.conn = Some(id);
    }

    fn wants_position(&self) -> bool {
        true
    }

    fn at(&mut self, line: u64, _offset: u64) {
        self.line = Some(line);
    }

    fn set_context(&mut self, flow: Option<u32>, _ts: Option<f64>) {
        if flow.is_some() {
            self.conn = flow;
        }
    }
}

/// Widths in CSS pixels of the line-number column, a lane, and the gap between lanes (kept in
/// step with [`CSS`]).
const NUMBER_WIDTH: usize = 44;
const LANE_WIDTH: usize = 300;
const LANE_GAP: usize = 14;

const HEAD_START: &str = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<meta name=\"generator\" content=\"msnp decode --format html\"/>\n<title>";

/// The page's style: lifelines are the lane cells' side borders, an arrow is a bordered line
/// with a triangle at the receiver's end.
const CSS: &str = r#"
:root{--c2s:#1f5fbf;--s2c:#8a3ab9;--line:#b8c4d6;--err:#c62828;--errbg:#fdecea}
*{box-sizing:border-box}
body{margin:0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f7f9fc}
header{position:sticky;top:0;z-index:3;background:#fff;border-bottom:1px solid #dde3ec;padding:8px 16px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
h1{font-size:16px;margin:0}
header p{margin:0;color:#5a6478}
#q{width:280px;padding:4px 8px;border:1px solid #b8c4d6;border-radius:4px;font:inherit}
table.ladder{border-collapse:separate;border-spacing:14px 0;margin:0 4px;table-layout:fixed}
tr{scroll-margin-top:100px}
thead th{position:sticky;top:49px;z-index:2;background:#f7f9fc;padding:6px 0 4px;font-weight:600;vertical-align:bottom}
th.lane,td.lane{width:300px;overflow:hidden;border-left:2px solid var(--line);border-right:2px solid var(--line)}
th.lane{border-color:transparent}
.conn{text-align:center;background:#e8eef7;border:1px solid #c9d3e0;border-radius:4px;padding:2px 6px;margin:0 -2px 4px}
.ends{display:flex;justify-content:space-between;font-size:11px;font-weight:400;color:#5a6478}
.count{color:#8a94a6}
td.n,th.n{width:44px;text-align:right;color:#8a94a6;font:11px ui-monospace,monospace;vertical-align:top;padding-top:4px}
td.lane{padding:2px 8px;vertical-align:top}
tr.error td.on{background:var(--errbg)}
.msg{position:relative;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.lbl{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:0 10px}
.c2s .lbl{color:var(--c2s)}.s2c .lbl{color:var(--s2c);text-align:right}.unk .lbl{color:#555;text-align:center}
.lbl b{color:#1d2330}.lbl i{font-style:normal;color:#8a94a6}
.f{color:#3b4556}
.arr{height:0;border-top:2px solid;margin:1px -8px 3px;position:relative}
.c2s .arr{color:var(--c2s)}.s2c .arr{color:var(--s2c)}.unk .arr{color:#999;border-top-style:dashed}
.c2s .arr::after,.s2c .arr::after{content:"";position:absolute;top:-6px;border:5px solid transparent}
.c2s .arr::after{right:-1px;border-left:9px solid var(--c2s);border-right:0}
.s2c .arr::after{left:-1px;border-right:9px solid var(--s2c);border-left:0}
details{margin:0 2px 3px;font-size:12px}
summary{cursor:pointer;color:#2e7d32;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
pre{margin:2px 0;padding:6px;background:#fff;border:1px solid #dde3ec;border-radius:3px;white-space:pre-wrap;word-break:break-all;max-height:360px;overflow:auto;font-size:11px}
.err{color:var(--err);font-weight:600;font-size:12px;padding:1px 4px}
tr.frame td.on{background:var(--errbg)}
"#;

/// The filter: rows whose text holds the box's text (case-insensitive) stay, and with "errors
/// only" just the flagged ones.
const SCRIPT: &str = r#"(function () {
  var q = document.getElementById('q'), eo = document.getElementById('eo');
  var shown = document.getElementById('shown');
  var rows = document.querySelectorAll('tbody tr');
  function apply() {
    var t = q.value.toLowerCase(), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!eo.checked || r.classList.contains('error')) &&
        r.textContent.toLowerCase().indexOf(t) >= 0;
      r.style.display = ok ? '' : 'none';
      if (ok) n++;
    }
    shown.textContent = n + ' of ' + rows.length + ' rows shown';
  }
  q.addEventListener('input', apply);
  eo.addEventListener('change', apply);
  apply();
})();
"#;
