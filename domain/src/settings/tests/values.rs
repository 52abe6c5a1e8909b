//! Settings values: themes, durations, time zones and URLs.
use super::*;

#[test]
fn durations_have_sane_ranges() {
    assert_eq!(WorkMinutes::parse(0), Err(ValueError::OutOfRange(1, 240)));
    assert_eq!(WorkMinutes::parse(241), Err(ValueError::OutOfRange(1, 240)));
    assert_eq!(u32::from(WorkMinutes::parse(240).unwrap()), 240);
    assert_eq!(BreakMinutes::parse(-5), Err(ValueError::OutOfRange(1, 120)));
    assert_eq!(u32::from(BreakMinutes::parse(1).unwrap()), 1);
}

#[test]
fn time_zones_are_iana_names_spelled_as_the_database_spells_them() {
    for name in ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata"] {
        assert_eq!(Timezone::parse(name).map(String::from), Ok(name.to_string()));
    }
    for bad in ["", "Mars/Olympus_Mons", "europe/paris", "UTC ", "+02:00"] {
        assert_eq!(Timezone::parse(bad), Err(ValueError::NotATimezone), "{bad}");
    }
    assert!(Timezone::names().count() > 300);
}

#[test]
fn local_llm_urls_are_http_or_https_with_a_host_and_no_credentials() {
    assert_eq!(
        LocalLlmUrl::parse("http://localhost:11434").map(String::from),
        Ok("http://localhost:11434".into())
    );
    assert!(LocalLlmUrl::parse("https://llm.example/v1").is_ok());
    for bad in [
        "ftp://x.example",
        "localhost:11434",
        "http://",
        "https://me:pw@x.example",
        "file:///etc",
    ] {
        assert_eq!(LocalLlmUrl::parse(bad), Err(ValueError::NotAnHttpUrl), "{bad}");
    }
    assert_eq!(
        LocalLlmUrl::parse(&format!("http://x.example/{}", "a".repeat(2048))),
        Err(ValueError::TooLong(2048))
    );
}

#[test]
fn themes_and_providers_are_closed_sets_of_words() {
    assert_eq!(Theme::default(), Theme::System);
    assert_eq!(Theme::parse("dark"), Ok(Theme::Dark));
    assert_eq!(Theme::parse("blue"), Err(ValueError::NotOneOf("light, dark, system")));
    assert_eq!(Provider::parse("openai"), Ok(Provider::OpenAi));
    assert_eq!(Provider::WORDS, ["openai", "anthropic"]);
}

#[test]
fn a_sealed_key_is_stored_as_key_id_and_ciphertext() {
    let key = sealed(7);
    assert_eq!(key.stored(), "k1:c7");
    assert_eq!(SealedKey::split_stored(&key.stored()), Some(("k1", "c7")));
}
