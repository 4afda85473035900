//! Wildcard matching for PropertyIsLike / LIKE, written by hand: a regex crate for one
//! operator with two wildcards would be the bigger dependency.

/// Whether `text` matches `pattern`, where `wild` stands for any run of characters,
/// `single` for one, and `escape` makes the next pattern character literal.
pub fn like(text: &str, pattern: &str, wild: char, single: char, escape: char) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Any,
        One,
        Char(char),
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        toks.push(if c == escape {
            Tok::Char(chars.next().unwrap_or(escape))
        } else if c == wild {
            Tok::Any
        } else if c == single {
            Tok::One
        } else {
            Tok::Char(c)
        });
    }
    let text: Vec<char> = text.chars().collect();
    // classic two-pointer glob match with backtracking to the last Any
    let (mut t, mut p) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::One) => {
                t += 1;
                p += 1;
            }
            Some(Tok::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(Tok::Any) => {
                star = Some(p);
                mark = t;
                p += 1;
            }
            _ => match star {
                Some(s) => {
                    p = s + 1;
                    mark += 1;
                    t = mark;
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|t| *t == Tok::Any)
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn wildcards_and_escapes() {
        assert!(like("Galdhøpiggen", "Gald*", '*', '.', '!'));
        assert!(like("Galdhøpiggen", "*piggen", '*', '.', '!'));
        assert!(like("Galdhøpiggen", "G.ldh*n", '*', '.', '!'));
        assert!(!like("Glittertind", "Gald*", '*', '.', '!'));
        assert!(like("50%", "50!%", '%', '_', '!'));
        assert!(!like("500", "50!%", '%', '_', '!'));
        assert!(like("", "%", '%', '_', '\\'));
        assert!(!like("ab", "a", '%', '_', '\\'));
    }
}
