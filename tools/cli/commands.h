// The CLI's command table: each command's flags and help text, in one place so the parser
// and `actorgraph help COMMAND` cannot drift apart. Immutable; thread-safe.
#ifndef ACTORGRAPH_TOOLS_CLI_COMMANDS_H_
#define ACTORGRAPH_TOOLS_CLI_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

namespace actorgraph::cli {

// Exit statuses scripts can rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;  // the server or connection failed (CODE: message)
inline constexpr int kExitUsage = 2;        // bad command line: unknown command/flag, bad value
inline constexpr int kExitLoadSkipped = 3;  // load/load-actors skipped malformed lines

struct CommandSpec {
  std::string name;
  std::string synopsis;               // "stance A B [--directed] ..."
  std::string summary;                // one line for the command list
  std::vector<std::string> valued;    // flags that take a value, without "--"
  std::vector<std::string> switches;  // boolean flags
  bool filter = false;                // also takes --kinds, --sign, --since, --until
  std::string details;                // what it prints and what each flag means
  std::string examples;               // one example per line
};

// Every command, in help order.
const std::vector<CommandSpec>& Commands();

// The command called `name`, or nullptr.
const CommandSpec* FindCommand(std::string_view name);

// `actorgraph --help`: synopsis, the command list, global flags, exit codes.
std::string GeneralHelp();

// "usage: actorgraph SYNOPSIS\n", wrapped at 100 columns.
std::string Usage(const CommandSpec& c);

// `actorgraph help COMMAND`: synopsis, details, filter flags if any, examples, exit codes.
std::string CommandHelp(const CommandSpec& c);

}  // namespace actorgraph::cli

#endif  // ACTORGRAPH_TOOLS_CLI_COMMANDS_H_
