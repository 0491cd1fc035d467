//! Prism's one phone string → Checkout.com's `{country_code, number}` (docs.md "Request mapping").
//!
//! The country calling code is read from the number itself: ITU-T E.164 codes are prefix-free, so
//! the first one to three digits after `+` name exactly one code. Without a leading `+`, or with a
//! prefix no country has, the number cannot be split and is refused before sending.

use prism_connector::normalize::phone_e164ish;

use crate::models::Phone;

/// Checkout.com's `phone.number` length (API reference `PhoneNumber`: 6 to 25 characters).
const NUMBER_LEN: std::ops::RangeInclusive<usize> = 6..=25;

/// The two-digit country calling codes (ITU-T E.164 assignments); `1` and `7` are the one-digit
/// codes.
const TWO_DIGIT: [&str; 44] = [
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// The three-digit codes: for each first two digits, the assigned third digits (two-digit
/// starts in neither table, e.g. `28` or `89`, are unassigned).
const THREE_DIGIT: [(&str, &str); 23] = [
    ("21", "12368"),
    ("22", "0123456789"),
    ("23", "0123456789"),
    ("24", "0123456789"),
    ("25", "012345678"),
    ("26", "0123456789"),
    ("29", "01789"),
    ("35", "0123456789"),
    ("37", "0123456789"),
    ("38", "0123569"),
    ("42", "013"),
    ("50", "0123456789"),
    ("59", "0123456789"),
    ("67", "023456789"),
    ("68", "012356789"),
    ("69", "012"),
    ("80", "08"),
    ("85", "02356"),
    ("87", "08"),
    ("88", "012368"),
    ("96", "012345678"),
    ("97", "012345679"),
    ("99", "2345678"),
];

/// Splits `phone` (already valid under SPEC §1) into `+<country code>` and the rest, digits only.
pub(crate) fn split(phone: &str) -> Result<Phone, &'static str> {
    let e164 = phone_e164ish(phone);
    let Some(digits) = e164.strip_prefix('+') else {
        return Err("must start with + and the country calling code: Checkout.com stores the country code separately");
    };
    let len = calling_code_len(digits)
        .ok_or("does not start with an assigned country calling code (ITU-T E.164)")?;
    let (code, number) = digits.split_at(len);
    if !NUMBER_LEN.contains(&number.len()) {
        return Err("must have 6 to 25 digits after the country code (limit of checkout)");
    }
    Ok(Phone {
        country_code: format!("+{code}"),
        number: number.to_owned(),
    })
}

/// The length of the country calling code `digits` start with, if one is assigned.
fn calling_code_len(digits: &str) -> Option<usize> {
    match digits.as_bytes().first()? {
        b'1' | b'7' => return Some(1),
        b'0' => return None,
        _ => {}
    }
    let two = digits.get(..2)?;
    if TWO_DIGIT.contains(&two) {
        return Some(2);
    }
    let third = *digits.as_bytes().get(2)?;
    THREE_DIGIT
        .iter()
        .any(|(first, thirds)| *first == two && thirds.as_bytes().contains(&third))
        .then_some(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(phone: &str) -> Result<(String, String), &'static str> {
        split(phone).map(|p| (p.country_code, p.number))
    }

    #[test]
    fn known_vectors() {
        for (phone, code, number) in [
            ("+1-555-123-4567", "+1", "5551234567"),
            ("+44 20 7946 0958", "+44", "2079460958"),
            ("+353 (1) 234.5678", "+353", "12345678"),
            ("+7 495 123 45 67", "+7", "4951234567"),
            ("+971 4 123 4567", "+971", "41234567"),
            ("+86 10 1234 5678", "+86", "1012345678"),
            ("+380 44 123 4567", "+380", "441234567"),
            ("+1 242 555 0199", "+1", "2425550199"),
        ] {
            assert_eq!(parts(phone), Ok((code.into(), number.into())), "{phone}");
        }
    }

    #[test]
    fn what_cannot_be_split_is_refused() {
        for phone in [
            "555-123-4567",    // no country code
            "(020) 7946 0958", // national form
            "+0 123 456 7890", // no code starts with 0
            "+28 1234 5678",   // 28x is unassigned
            "+210 1234 5678",  // 210 is unassigned
            "+44 12345",       // 5 digits after the code
        ] {
            assert!(parts(phone).is_err(), "{phone}");
        }
    }

    #[test]
    fn the_code_table_is_prefix_free() {
        for two in TWO_DIGIT {
            assert!(!two.starts_with(['1', '7', '0']), "{two}");
            assert!(THREE_DIGIT.iter().all(|(first, _)| *first != two), "{two}");
        }
    }
}
