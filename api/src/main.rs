use clap::Parser;

/// mimalloc gives freed memory back to the system: with glibc's malloc, every blocking thread
/// that ran an argon2 hash kept its 19 MiB in its own arena, and the RSS grew with them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = joan_api::cli::Cli::parse();
    joan_api::cli::init_tracing();
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("joan: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
