//! Scenario links: the scenario text, deflated and base64url-encoded, in the URL fragment
//! (`#s=...`), so a link reproduces the run with no server.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// A shared scenario inflates to at most this (the scenario editor's practical ceiling).
const MAX_SCENARIO_BYTES: usize = 8 << 20;

pub fn encode(scenario: &str) -> String {
    base64url(&compress_to_vec(scenario.as_bytes(), 9))
}

pub fn decode(fragment: &str) -> Result<String, String> {
    let bytes = unbase64url(fragment).ok_or("the link's scenario is not valid base64url")?;
    let raw = decompress_to_vec_with_limit(&bytes, MAX_SCENARIO_BYTES).map_err(|_| "the link's scenario is damaged (could not inflate it)")?;
    String::from_utf8(raw).map_err(|_| "the link's scenario is not UTF-8 text".to_string())
}

/// The scenario in a `#s=...` fragment, if the hash has one.
pub fn from_hash(hash: &str) -> Option<Result<String, String>> {
    let h = hash.strip_prefix('#').unwrap_or(hash);
    h.split('&').find_map(|part| part.strip_prefix("s=")).map(decode)
}

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for k in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_of_every_length() {
        // A lesson as the editor holds it (and so shares it): laid out, not the embedded minified text.
        let lesson = crate::scenarios::default().text();
        for text in ["", "a", "ab", "abc", "{\"name\": \"é ✓\"}", lesson.as_str(), crate::scenarios::default().json] {
            assert_eq!(decode(&encode(text)).as_deref(), Ok(text));
        }
        assert!(encode(&lesson).len() < lesson.len() / 2, "deflate should shrink JSON");
    }

    #[test]
    fn bad_links_are_errors_not_panics() {
        assert!(decode("***").is_err());
        assert!(decode("AAAA").is_err());
        assert_eq!(from_hash("#x=1"), None);
        assert!(from_hash("#s=%%%").unwrap().is_err());
        assert_eq!(from_hash(&format!("#s={}", encode("hi"))), Some(Ok("hi".to_string())));
    }
}
