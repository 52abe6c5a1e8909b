//! What a call costs: one table of prices per model, in millionths of a US dollar per million
//! tokens (so a price of 150_000 is $0.15 per million). Local models cost nothing; a model the
//! table does not know is counted at 0 rather than guessed.
use crate::ai::ProviderKind;

/// (model name prefix, input price, output price), longest prefixes first where they overlap.
const PRICES: &[(&str, u64, u64)] = &[
    ("gpt-4o-mini", 150_000, 600_000),
    ("gpt-4o", 2_500_000, 10_000_000),
    ("gpt-4.1-nano", 100_000, 400_000),
    ("gpt-4.1-mini", 400_000, 1_600_000),
    ("gpt-4.1", 2_000_000, 8_000_000),
    ("gpt-3.5-turbo", 500_000, 1_500_000),
    ("o3-mini", 1_100_000, 4_400_000),
    ("o4-mini", 1_100_000, 4_400_000),
    ("claude-3-5-haiku", 800_000, 4_000_000),
    ("claude-3-haiku", 250_000, 1_250_000),
    ("claude-haiku-4", 1_000_000, 5_000_000),
    ("claude-3-5-sonnet", 3_000_000, 15_000_000),
    ("claude-3-7-sonnet", 3_000_000, 15_000_000),
    ("claude-sonnet-4", 3_000_000, 15_000_000),
    ("claude-opus-4", 15_000_000, 75_000_000),
    ("llama-3.1-8b-instant", 50_000, 80_000),
    ("llama-3.3-70b-versatile", 590_000, 790_000),
    ("mixtral-8x7b", 240_000, 240_000),
];

/// The cost of `tokens_in` and `tokens_out` on `model`, in micro-USD, rounded up.
pub fn cost_micro_usd(kind: ProviderKind, model: &str, tokens_in: u32, tokens_out: u32) -> u64 {
    if kind == ProviderKind::Ollama {
        return 0;
    }
    let Some((_, input, output)) = PRICES.iter().find(|(prefix, ..)| model.starts_with(prefix)) else {
        return 0;
    };
    let total = u128::from(tokens_in) * u128::from(*input) + u128::from(tokens_out) * u128::from(*output);
    u64::try_from(total.div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_come_from_the_table_and_local_models_are_free() {
        // 1,000 in at $0.15/M + 500 out at $0.60/M = $0.00015 + $0.0003 = 450 micro-USD.
        assert_eq!(cost_micro_usd(ProviderKind::Openai, "gpt-4o-mini", 1_000, 500), 450);
        assert_eq!(
            cost_micro_usd(ProviderKind::Openai, "gpt-4o-2024-08-06", 1_000_000, 0),
            2_500_000
        );
        assert_eq!(cost_micro_usd(ProviderKind::Ollama, "gpt-4o", 1_000, 1_000), 0);
        assert_eq!(
            cost_micro_usd(ProviderKind::OpenaiCompatible, "smollm2", 1_000, 1_000),
            0
        );
        assert_eq!(
            cost_micro_usd(ProviderKind::Anthropic, "claude-3-haiku-20240307", 1, 0),
            1,
            "rounded up"
        );
    }
}
