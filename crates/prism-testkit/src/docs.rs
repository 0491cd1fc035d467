//! Examples in a connector's `docs.md`: the JSON block after a marker, minified, so a unit test
//! can hold the request the connector builds to the one its documentation shows.

/// The first fenced JSON block (` ```json `) after `marker` in `docs`, without the white space
/// outside strings (key order and string contents kept byte for byte).
///
/// # Panics
/// When `docs` has no such marker or block.
pub fn json_example(docs: &str, marker: &str) -> String {
    let after = &docs[docs.find(marker).expect("marker in docs.md")..];
    let start = after.find("```json").expect("a json block") + "```json".len();
    let end = after[start..].find("```").expect("the block's end");
    minify(&after[start..start + end])
}

/// `json` without the white space outside strings.
fn minify(json: &str) -> String {
    let mut out = String::new();
    let (mut in_str, mut escaped) = (false, false);
    for c in json.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_strings_and_order() {
        let docs =
            "# X\n**Example**\n```json\n{\n  \"b\": \"1 \\\" 2\",\n  \"a\": [1, 2]\n}\n```\n";
        assert_eq!(
            json_example(docs, "**Example**"),
            r#"{"b":"1 \" 2","a":[1,2]}"#
        );
    }
}
