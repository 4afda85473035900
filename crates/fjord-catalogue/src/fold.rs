//! Text folding for search: the same function is applied to what is indexed and to what
//! is asked, so Norwegian letters match however they are typed.

/// Lower-case and fold æ → ae, ø → o, å → a (and their capitals).
///
/// FTS5's unicode61 tokenizer removes diacritics that Unicode decomposes (é, å), but ø
/// and æ are letters of their own with no decomposition, so they are folded here.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'å' => out.push('a'),
            c => out.push(c),
        }
    }
    out
}

/// The FTS5 MATCH expression for a user's query: every word (letters and digits), folded,
/// as a quoted prefix term, all required. `None` when the query has no words.
pub fn match_expression(q: &str) -> Option<String> {
    let folded = fold(q);
    let terms: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_norwegian_letters() {
        assert_eq!(fold("Høydedata Ærfugl Åsane"), "hoydedata aerfugl asane");
    }

    #[test]
    fn builds_safe_prefix_queries() {
        assert_eq!(match_expression("høyde").unwrap(), "\"hoyde\"*");
        assert_eq!(match_expression("  \"NEAR(a b)\" OR x* ").unwrap(), "\"near\"* \"a\"* \"b\"* \"or\"* \"x\"*");
        assert!(match_expression(" ,.;\"* ").is_none());
    }
}
