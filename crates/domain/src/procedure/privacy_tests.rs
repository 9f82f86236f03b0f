//! Issue 17, part 5: the `[privacy]` section (retention of people never
//! admitted, consent), data with its legal sources.

use super::*;

#[test]
fn the_privacy_rules_are_data_with_their_sources() {
    let p = Profile::parse(DEFAULT_PROFILE).unwrap();
    let privacy = p
        .privacy
        .as_ref()
        .expect("[privacy] in the shipped profile");
    assert_eq!(privacy.never_admitted_months, 24);
    assert_eq!(privacy.retention_source.doc, "luat91");
    assert_eq!(privacy.consent_source.doc, "nd13");
    assert!(privacy.consent_purpose.contains("kết nạp"));
    let rules = p.rules();
    assert!(rules
        .iter()
        .any(|(r, s)| r.starts_with("retention") && s.doc == "luat91"));
    assert!(rules
        .iter()
        .any(|(r, s)| r.starts_with("consent") && s.doc == "nd13"));
    // A period of none, an empty purpose: refused, naming the field.
    let bad =
        DEFAULT_PROFILE.replacen("never_admitted_months = 24", "never_admitted_months = 0", 1);
    let e = Profile::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("privacy.never_admitted_months"), "{e}");
    let line = DEFAULT_PROFILE
        .lines()
        .find(|l| l.starts_with("consent_purpose"))
        .unwrap();
    let bad = DEFAULT_PROFILE.replacen(line, "consent_purpose = \" \"", 1);
    let e = Profile::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("privacy.consent_purpose"), "{e}");
    // Without the section the profile is valid; the rules are simply absent.
    let start = DEFAULT_PROFILE.find("[privacy]").unwrap();
    let end = DEFAULT_PROFILE
        .find("# Year-end quality evaluation")
        .unwrap();
    let none = format!("{}{}", &DEFAULT_PROFILE[..start], &DEFAULT_PROFILE[end..]);
    assert!(Profile::parse(&none).unwrap().privacy.is_none());
}
