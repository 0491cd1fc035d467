//! Braintree's XML: the `<customer>` Prism sends (serde through quick-xml, escaped as the
//! official SDKs escape) and the replies it reads (a small element tree from quick-xml's
//! reader: `<customer>`, `<api-error-response>` with its nested `errors`).

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::se::{QuoteLevel, Serializer};
use quick_xml::Reader;
use serde::Serialize;

/// The create body: `<customer>` with the fields of braintree_python's `create_signature`
/// Prism can fill, in the order of docs.md's example. Absent fields are left out.
#[derive(Debug, Serialize)]
pub(crate) struct CustomerXml<'a> {
    pub(crate) id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<&'a str>,
}

impl CustomerXml<'_> {
    /// `<customer>…</customer>` without a declaration, as braintree_python's `Generator` writes
    /// it: `& < > ' "` escaped, every non-ASCII character as a decimal character reference.
    pub(crate) fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        let mut out = String::new();
        let mut ser = Serializer::with_root(&mut out, Some("customer"))?;
        ser.set_quote_level(QuoteLevel::Full);
        self.serialize(ser)?;
        Ok(ascii_only(&out))
    }
}

/// Non-ASCII characters as `&#N;` (Python's `xmlcharrefreplace`).
fn ascii_only(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    for c in xml.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("&#{};", u32::from(c)));
        }
    }
    out
}

/// Deepest element nesting read (Braintree's replies nest a few levels; a deeper body is not
/// one of them, and a bound keeps the walks below from recursing without end).
const MAX_DEPTH: usize = 32;

/// One XML element: its name, its text (trimmed) and its child elements.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Node>,
}

impl Node {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text at `path` below this element, when present and not blank.
    pub(crate) fn text_at(&self, path: &[&str]) -> Option<&str> {
        let node = path.iter().try_fold(self, |n, p| n.child(p))?;
        Some(node.text.as_str()).filter(|t| !t.is_empty())
    }

    /// Every `<error>` below this element with the object path it belongs to
    /// (`errors/customer/errors/error` → `["customer"]`), in document order.
    pub(crate) fn errors(&self) -> Vec<(Vec<&str>, &Node)> {
        let mut out = Vec::new();
        self.collect_errors(&mut Vec::new(), &mut out);
        out
    }

    fn collect_errors<'a>(
        &'a self,
        at: &mut Vec<&'a str>,
        out: &mut Vec<(Vec<&'a str>, &'a Node)>,
    ) {
        for c in &self.children {
            if c.name == "error" {
                out.push((at.clone(), c));
                continue;
            }
            let object = c.name != "errors";
            if object {
                at.push(&c.name);
            }
            c.collect_errors(at, out);
            if object {
                at.pop();
            }
        }
    }
}

/// The root element of an XML body (a leading byte-order mark, a declaration, comments and
/// white space are skipped); `Err` says why it is not one.
pub(crate) fn parse(body: &[u8]) -> Result<Node, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8 text".to_owned())?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    let invalid = |e: &dyn std::fmt::Display| format!("invalid XML ({e})");
    loop {
        let finished = match reader.read_event().map_err(|e| invalid(&e))? {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err("XML nested too deeply".into());
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                stack.push(Node {
                    name,
                    ..Node::default()
                });
                None
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                Some(Node {
                    name,
                    ..Node::default()
                })
            }
            Event::End(_) => {
                let mut node = stack.pop().ok_or("unbalanced XML")?;
                node.text = node.text.trim().to_owned();
                Some(node)
            }
            Event::Text(t) => {
                let t = t.decode().map_err(|e| invalid(&e))?;
                push_text(&mut stack, &t)?;
                None
            }
            Event::CData(t) => {
                let t = t.decode().map_err(|e| invalid(&e))?;
                push_text(&mut stack, &t)?;
                None
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| invalid(&e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| invalid(&e))?;
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown XML entity &{name};"))?
                            .to_owned()
                    }
                };
                push_text(&mut stack, &resolved)?;
                None
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => None,
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None if root.is_none() => root = Some(node),
                None => return Err("more than one root element".into()),
            }
        }
    }
    if !stack.is_empty() {
        return Err("truncated XML".into());
    }
    root.ok_or_else(|| "no XML element".to_owned())
}

/// Text inside the current element; text outside any element must be white space.
fn push_text(stack: &mut [Node], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(n) => n.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err("text outside any XML element".into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_escaped_as_the_sdk_escapes_it() {
        let c = CustomerXml {
            id: "c_1",
            first_name: Some("Zoë"),
            last_name: None,
            email: None,
            phone: Some("<&'\">"),
        };
        let xml = c.to_xml().expect("xml");
        let want = "<customer><id>c_1</id><first_name>Zo&#235;</first_name><phone>&lt;&amp;&apos;&quot;&gt;</phone></customer>";
        assert_eq!(xml, want);
        let back = parse(xml.as_bytes()).expect("parses");
        assert_eq!(back.text_at(&["first_name"]), Some("Zoë"));
        assert_eq!(back.text_at(&["phone"]), Some("<&'\">"));
    }

    #[test]
    fn odd_bodies_are_refused_with_a_reason() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        for body in [
            "",
            "   ",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "x<a/>",
            "<a>&bogus;</a>",
            "{\"id\":1}",
            deep.as_str(),
        ] {
            assert!(parse(body.as_bytes()).is_err(), "{body}");
        }
        assert!(parse(b"\xff<a/>").is_err());
        let ok =
            parse(b"<?xml version=\"1.0\"?>\n<!-- c --><a>\n <b type=\"x\">1 &amp; 2</b><c/></a>");
        let a = ok.expect("parses");
        assert_eq!(
            (a.text_at(&["b"]), a.text_at(&["c"])),
            (Some("1 & 2"), None)
        );
    }
}
