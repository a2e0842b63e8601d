fn main() {
    std::process::exit(psi_feedback::cli::main());
}
