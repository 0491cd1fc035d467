//! Field-length tables: a processor declares its maximum lengths as data ([`Limits`],
//! [`MapLimits`] for metadata-like maps) and every check counts characters here, in one place.
//! The wording of a violation stays the processor's own.

/// `(field, maximum characters)` pairs, in the order the processor reports violations.
pub(crate) type Limits = &'static [(&'static str, usize)];

/// The maximum of `field` in `limits`, if it is listed.
pub(crate) fn max_of(limits: Limits, field: &str) -> Option<usize> {
    limits
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, max)| *max)
}

/// Whether `value` is longer than `max` characters (Unicode scalar values, as processors count).
pub(crate) fn too_long(value: &str, max: usize) -> bool {
    value.chars().count() > max
}

/// The limits of a string → string map (Stripe `metadata`, Finix `tags`, …).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MapLimits {
    /// Most entries.
    pub(crate) entries: usize,
    /// Longest key.
    pub(crate) key: usize,
    /// Longest value.
    pub(crate) value: usize,
}

impl MapLimits {
    /// At most `entries` entries, keys of `key` and values of `value` characters.
    pub(crate) const fn new(entries: usize, key: usize, value: usize) -> Self {
        Self {
            entries,
            key,
            value,
        }
    }

    /// Whether `n` entries are too many.
    pub(crate) fn too_many(&self, n: usize) -> bool {
        n > self.entries
    }

    /// Whether `key` is too long.
    pub(crate) fn key_too_long(&self, key: &str) -> bool {
        too_long(key, self.key)
    }

    /// Whether `value` is too long.
    pub(crate) fn value_too_long(&self, value: &str) -> bool {
        too_long(value, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(!too_long("ééé", 3));
        assert!(too_long("abcd", 3));
        const L: Limits = &[("a", 1), ("b", 2)];
        assert_eq!(max_of(L, "b"), Some(2));
        assert_eq!(max_of(L, "c"), None);
        let m = MapLimits {
            entries: 2,
            key: 1,
            value: 2,
        };
        assert!(m.too_many(3) && !m.too_many(2));
        assert!(m.key_too_long("ab") && !m.value_too_long("ab"));
    }
}
