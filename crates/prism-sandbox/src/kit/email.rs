//! The one email-syntax checker. Processors differ in how strict they are, so each emulator
//! declares its [`EmailSyntax`] as data; the rules common to all (exactly one `@`, a non-empty
//! local part and domain, no white space) always apply.

/// Which local parts are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocalPart {
    /// Anything (beyond the common rules).
    Any,
    /// No leading, trailing or doubled dot.
    DotAtom,
    /// RFC 5322 `dot-atom` of ASCII `atext`, at most 64 characters.
    AsciiDotAtom,
}

/// Which domain characters are accepted in each label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DomainChars {
    /// Anything (beyond the common rules).
    Any,
    /// Letters and digits of any script, and hyphens.
    UnicodeLdh,
    /// ASCII letters, digits and inner hyphens, labels of at most 63, an alphabetic top-level
    /// label of at least 2 letters.
    AsciiHostname,
}

/// A processor's email-address syntax.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmailSyntax {
    /// Reject control characters too (white space is always rejected).
    pub(crate) reject_control: bool,
    /// The local part's rule.
    pub(crate) local: LocalPart,
    /// `0`: any non-empty domain; `n`: at least `n` non-empty dot-separated labels.
    pub(crate) min_labels: usize,
    /// The domain labels' characters.
    pub(crate) domain: DomainChars,
}

impl EmailSyntax {
    /// The rules, field by field (for one-line declarations).
    pub(crate) const fn new(
        reject_control: bool,
        local: LocalPart,
        min_labels: usize,
        domain: DomainChars,
    ) -> Self {
        Self {
            reject_control,
            local,
            min_labels,
            domain,
        }
    }

    /// Whether `s` is an address under these rules.
    pub(crate) fn accepts(&self, s: &str) -> bool {
        let Some((local, domain)) = s.split_once('@') else {
            return false;
        };
        let bad_char = |c: char| c.is_whitespace() || (self.reject_control && c.is_control());
        if local.is_empty() || domain.is_empty() || domain.contains('@') || s.chars().any(bad_char)
        {
            return false;
        }
        let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c);
        let local_ok = match self.local {
            LocalPart::Any => true,
            LocalPart::DotAtom => dot_separated(local),
            LocalPart::AsciiDotAtom => {
                local.len() <= 64 && dot_separated(local) && local.chars().all(atext)
            }
        };
        let labels: Vec<&str> = domain.split('.').collect();
        let labels_ok = self.min_labels == 0
            || (labels.len() >= self.min_labels && labels.iter().all(|l| !l.is_empty()));
        let chars_ok = match self.domain {
            DomainChars::Any => true,
            DomainChars::UnicodeLdh => domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.'),
            DomainChars::AsciiHostname => {
                labels.iter().all(|l| {
                    l.len() <= 63
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                }) && labels.last().is_some_and(|tld| {
                    tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
                })
            }
        };
        local_ok && labels_ok && chars_ok
    }
}

/// No leading, trailing or doubled dot.
fn dot_separated(s: &str) -> bool {
    !s.starts_with('.') && !s.ends_with('.') && !s.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOSE: EmailSyntax = EmailSyntax::new(false, LocalPart::Any, 0, DomainChars::Any);
    const STRICT: EmailSyntax =
        EmailSyntax::new(true, LocalPart::AsciiDotAtom, 2, DomainChars::AsciiHostname);

    #[test]
    fn common_rules_always_apply() {
        for bad in [
            "", "no-at", "@b.co", "a@", "a@@b.co", "a@b@c.co", " a@b.co", "a@b.co ", "a b@c.co",
        ] {
            assert!(!LOOSE.accepts(bad), "{bad:?}");
        }
        assert!(LOOSE.accepts("a@b"));
        assert!(LOOSE.accepts("a\u{1}@.b"));
    }

    #[test]
    fn strict_rules() {
        for ok in [
            "john.doe@example.com",
            "a+b@sub.example.co",
            "x_y@ex-ample.org",
        ] {
            assert!(STRICT.accepts(ok), "{ok}");
        }
        for bad in [
            "otameshi@com",
            "a＠b.co",
            "a@b..co",
            ".a@b.co",
            "a@-b.co",
            "a@b.c1",
            "a(b@c.co",
        ] {
            assert!(!STRICT.accepts(bad), "{bad:?}");
        }
        assert!(!STRICT.accepts(&format!("{}@b.co", "a".repeat(65))));
    }

    #[test]
    fn each_rule_alone() {
        let rule = |local, min_labels, domain| EmailSyntax::new(true, local, min_labels, domain);
        assert!(!rule(LocalPart::Any, 0, DomainChars::Any).accepts("a\u{1}@b"));
        assert!(!rule(LocalPart::DotAtom, 0, DomainChars::Any).accepts("a.@b"));
        assert!(!rule(LocalPart::Any, 2, DomainChars::Any).accepts("a@b"));
        assert!(!rule(LocalPart::Any, 2, DomainChars::Any).accepts("a@.b.co"));
        assert!(rule(LocalPart::Any, 1, DomainChars::UnicodeLdh).accepts("a@bü"));
        assert!(!rule(LocalPart::Any, 1, DomainChars::UnicodeLdh).accepts("a@b_c"));
    }
}
