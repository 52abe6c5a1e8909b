use clap::Parser;

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
