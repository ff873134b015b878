//! Command-line parsing, by hand: five verbs and a few flags don't need a framework.

pub enum Command {
    Help,
    Validate,
    Run { until: Option<String>, explain: bool, metrics: Option<String>, cost: bool },
    /// Runs the base scenario and each of its `variants`; prints one table (or JSON).
    Compare { until: Option<String>, json: bool },
    ListContainerInstances { filter: String, at: Option<String> },
    /// `aws ecr get-lifecycle-policy-preview`: which images a repository's policy expires.
    GetLifecyclePolicyPreview { repository: String, at: Option<String> },
    /// EKS: `stevedore kubectl FILE --at 5m get pods|nodes [-o wide|json] [-A]`.
    Kubectl { words: Vec<String>, output: Option<String>, at: Option<String>, all_namespaces: bool },
}

pub struct Args {
    pub command: Command,
    pub file: String,
    pub seed: Option<u64>,
}

pub fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let verb = argv.next().ok_or("missing command")?;
    if verb == "-h" || verb == "--help" || verb == "help" {
        return Ok(Args { command: Command::Help, file: String::new(), seed: None });
    }
    let mut file = None;
    let (mut until, mut explain, mut filter, mut at, mut seed, mut metrics, mut repository) = (None, false, None, None, None, None, None);
    let (mut cost, mut json) = (false, false);
    let (mut words, mut output, mut all_namespaces) = (Vec::new(), None, false);
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--until" => until = Some(value("--until")?),
            "--at" => at = Some(value("--at")?),
            "--filter" => filter = Some(value("--filter")?),
            "--repository-name" => repository = Some(value("--repository-name")?),
            "--seed" => seed = Some(value("--seed")?.parse::<u64>().map_err(|_| "--seed takes a non-negative integer")?),
            "--explain" => explain = true,
            "--cost" => cost = true,
            "--json" => json = true,
            "-o" | "--output" if verb == "kubectl" => output = Some(value("-o")?),
            "-A" | "--all-namespaces" if verb == "kubectl" => all_namespaces = true,
            "--metrics" => {
                let format = value("--metrics")?;
                if format != "csv" && format != "json" {
                    return Err(format!("--metrics takes csv or json, not {format}"));
                }
                metrics = Some(format);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path if file.is_none() => file = Some(path.to_string()),
            word if verb == "kubectl" => words.push(word.to_string()),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    let file = file.ok_or("missing FILE")?;
    let command = match verb.as_str() {
        "validate" => Command::Validate,
        "run" => Command::Run { until, explain, metrics, cost },
        "compare" => Command::Compare { until, json },
        "list-container-instances" => Command::ListContainerInstances { filter: filter.ok_or("list-container-instances needs --filter EXPR")?, at },
        "get-lifecycle-policy-preview" => Command::GetLifecyclePolicyPreview { repository: repository.ok_or("get-lifecycle-policy-preview needs --repository-name NAME")?, at },
        "kubectl" => Command::Kubectl { words, output, at, all_namespaces },
        other => return Err(format!("unknown command {other}")),
    };
    Ok(Args { command, file, seed })
}
