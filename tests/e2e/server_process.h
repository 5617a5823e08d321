// Starts the real actorgraph-server binary on an ephemeral loopback port for end-to-end
// tests, and stops it (SIGTERM, then SIGKILL) when destroyed.
#ifndef ACTORGRAPH_TESTS_E2E_SERVER_PROCESS_H_
#define ACTORGRAPH_TESTS_E2E_SERVER_PROCESS_H_

#include <string>
#include <vector>

namespace actorgraph::testing {

class ServerProcess {
 public:
  // Starts `binary` with `--listen 127.0.0.1:0 --port-file ...` plus `args`; waits until it
  // serves (up to 60 s). On failure port() is 0 and log() says why.
  ServerProcess(const std::string& binary, const std::vector<std::string>& args);
  ~ServerProcess();
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();
  int port() const { return port_; }
  int pid() const { return pid_; }
  // Waits for a process that was killed from outside (e.g. SIGKILL) and forgets it.
  void Reap();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // What the server printed so far.
  std::string log() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// Runs a command line through /bin/sh, capturing stdout (and stderr when `merge`).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& command, bool merge_stderr = false);

// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace actorgraph::testing

#endif  // ACTORGRAPH_TESTS_E2E_SERVER_PROCESS_H_
