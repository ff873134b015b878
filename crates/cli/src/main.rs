//! `stevedore`: validate, run and query ECS scenarios from the command line.

/// `print!` / `println!` through `write_out`: a reader that stops early (`| head`, `| cmp -`)
/// ends the command quietly instead of the panic `println!` gives on a closed pipe.
macro_rules! out {
    ($($t:tt)*) => { $crate::write_out(format_args!($($t)*)) };
}
macro_rules! outln {
    ($($t:tt)*) => { $crate::write_out(format_args!("{}\n", format_args!($($t)*))) };
}

mod args;
mod bill;
mod table;
mod eks;

use args::{Args, Command};
use std::process::ExitCode;
use stevedore_sim::report::{describe_container_instance, write_report, ReportOptions};
use stevedore_sim::{load, query::Query, time::parse_duration_ms, Sim};

const USAGE: &str = "usage:
  stevedore validate FILE
  stevedore run FILE [--until DURATION] [--seed N] [--explain] [--metrics csv|json] [--cost]
  stevedore compare FILE [--until DURATION] [--json]
  stevedore list-container-instances FILE --filter EXPR [--at DURATION]
  stevedore get-lifecycle-policy-preview FILE --repository-name NAME [--at DURATION]
  stevedore kubectl FILE [--at DURATION] get pods|nodes [-o wide|json] [-A]   (EKS manifests)

An EKS scenario is a YAML (or JSON-array) manifest: `run` prints a kubectl List.

DURATION is seconds or a number with a unit: 90s, 15m, 2h, 1h30m.";

/// Writes to stdout; a closed pipe ends the process with status 0 (the reader wanted no more),
/// any other write error with a message and status 1.
fn write_out(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_fmt(args).and_then(|_| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("stevedore: writing the output: {e}");
        std::process::exit(1);
    }
}

/// An error writing a report: a closed pipe ends quietly, as `write_out` does.
fn write_error(e: impl Into<std::io::Error>) -> String {
    let e: std::io::Error = e.into();
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    e.to_string()
}

const EXPLAIN_FULL_MAX_INSTANCES: usize = 2000;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("stevedore: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("stevedore: {message}");
            ExitCode::from(2)
        }
    }
}

/// Pretty JSON straight to stdout: a week-long run's report is tens of MB, so never build it
/// as one string first.
fn print_json(value: &serde_json::Value) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(write_error)?;
    writeln!(out).and_then(|_| out.flush()).map_err(write_error)
}

/// A file that does not validate: every error, then status 1. `validate`'s answer is the list
/// itself (stdout); any other command's stdout is its report (`run … > out.json`), so there
/// the errors go to stderr and stdout stays empty.
fn input_errors<E: std::fmt::Display>(errors: &[E], args: &Args) -> ExitCode {
    for e in errors {
        if matches!(args.command, Command::Validate) {
            outln!("{e}");
        } else {
            eprintln!("{e}");
        }
    }
    eprintln!("{} error(s) in {}", errors.len(), args.file);
    ExitCode::from(1)
}

fn run(args: Args) -> Result<ExitCode, String> {
    if let Command::Help = args.command {
        outln!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let text = std::fs::read_to_string(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file))?;
    if stevedore_sim::eks::is_manifest(&text) {
        return eks::run(args, &text);
    }
    let mut scenario = match load(&text) {
        Ok(s) => s,
        Err(errors) => return Ok(input_errors(&errors, &args)),
    };
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    match args.command {
        Command::Help => unreachable!("handled above"),
        Command::Validate => {
            outln!("ok");
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare { until, json } => compare(&text, until, json),
        Command::Run { until, explain, metrics, cost } => {
            let until_ms = match until {
                Some(d) => parse_duration_ms(&d).map_err(|m| format!("--until: {m}"))?,
                None => scenario.duration,
            };
            let instances = scenario.instances.len();
            let mut sim = Sim::new(scenario);
            // A note per instance per placement grows as tasks × instances: past this size
            // explanations keep per-stage counts and the winner only.
            sim.explain_full = explain && instances <= EXPLAIN_FULL_MAX_INSTANCES;
            if explain && !sim.explain_full {
                eprintln!("stevedore: {instances} instances: placement explanations are summarised (per-stage counts and the winner)");
            }
            sim.advance_to(until_ms);
            match metrics.as_deref() {
                Some("csv") => {
                    out!("{}", stevedore_sim::report::metrics_csv(&sim));
                    return Ok(ExitCode::SUCCESS);
                }
                Some(_) => {
                    print_json(&stevedore_sim::report::metrics_json(&sim))?;
                    return Ok(ExitCode::SUCCESS);
                }
                None => {}
            }
            if cost {
                out!("{}", bill::render(&sim));
                return Ok(ExitCode::SUCCESS);
            }
            // Streamed: a week-long run's report is tens of MB.
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            write_report(&sim, &ReportOptions { explain }, &mut stdout).map_err(write_error)?;
            use std::io::Write;
            writeln!(stdout).and_then(|_| stdout.flush()).map_err(write_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::ListContainerInstances { filter, at } => {
            let query = match Query::parse(&filter) {
                Ok(q) => q,
                Err(e) => {
                    eprintln!("stevedore: invalid --filter: {e}\n  {filter}\n  {}^", " ".repeat(e.column.saturating_sub(1)));
                    return Ok(ExitCode::from(2));
                }
            };
            let at_ms = match at {
                Some(d) => parse_duration_ms(&d).map_err(|m| format!("--at: {m}"))?,
                None => 0,
            };
            let mut sim = Sim::new(scenario);
            sim.explain_full = false;
            sim.advance_to(at_ms);
            let matching: Vec<_> = sim.instances.iter().filter(|i| query.matches(*i)).map(|i| describe_container_instance(&sim, i)).collect();
            let out = serde_json::json!({"containerInstanceArns": matching.iter().map(|m| m["containerInstanceArn"].clone()).collect::<Vec<_>>(), "containerInstances": matching});
            print_json(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Kubectl { .. } => Err("kubectl reads an EKS manifest (YAML or a JSON array), not an ECS scenario".into()),
        Command::GetLifecyclePolicyPreview { repository, at } => {
            let at_ms = match at {
                Some(d) => parse_duration_ms(&d).map_err(|m| format!("--at: {m}"))?,
                None => 0,
            };
            let mut sim = Sim::new(scenario);
            sim.advance_to(at_ms);
            let Some(r) = sim.repositories.iter().position(|x| x.name == repository) else {
                eprintln!("stevedore: RepositoryNotFoundException: The repository with name '{repository}' does not exist in the scenario");
                return Ok(ExitCode::from(1));
            };
            if sim.repositories[r].lifecycle.is_none() {
                eprintln!("stevedore: LifecyclePolicyNotFoundException: Lifecycle policy does not exist for the repository with name '{repository}'");
                return Ok(ExitCode::from(1));
            }
            let results = sim.lifecycle_preview(r);
            let repo = &sim.repositories[r];
            let out = serde_json::json!({
                "registryId": sim.scenario.arns.account, "repositoryName": repo.name,
                "lifecyclePolicyText": repo.lifecycle.as_ref().map(|p| p.text.clone()),
                "status": "COMPLETE", "previewResults": results,
                "summary": {"expiringImageTotalCount": results.len()},
            });
            print_json(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `compare`: the base and every variant to the same time, one column each.
fn compare(text: &str, until: Option<String>, json: bool) -> Result<ExitCode, String> {
    let until_ms = until.map(|d| parse_duration_ms(&d).map_err(|m| format!("--until: {m}"))).transpose()?;
    let runs = match stevedore_sim::compare::compare(text, until_ms) {
        Ok(r) => r,
        Err(errors) => {
            // As every report command: stdout is the table / JSON, the errors go to stderr.
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} error(s)", errors.len());
            return Ok(ExitCode::from(1));
        }
    };
    if json {
        let out = serde_json::json!({"elapsedSeconds": runs[0].elapsed_seconds, "runs": runs});
        outln!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    } else {
        out!("{}", table::render(&runs));
    }
    Ok(ExitCode::SUCCESS)
}
