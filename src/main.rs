fn main() -> std::process::ExitCode {
    carrierdesk::cli::main()
}
