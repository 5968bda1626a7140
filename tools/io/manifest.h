// manifest.json: the last file written into an output directory (a run's, a sweep's, a merge's,
// a comparison's). It lists the directory's files with their sizes and SHA-256, and records where
// they came from: the command line, mountstorm's version and the files read, each with its
// SHA-256. A directory without it did not finish (or was written before manifests existed), and
// plot, report and merge refuse it, as one that lacks a file it lists; a file whose size or hash
// differs from the manifest was changed since, and is read with a warning. docs/OUTPUTS.md,
// "manifest.json".
#ifndef MOUNTSTORM_TOOLS_IO_MANIFEST_H_
#define MOUNTSTORM_TOOLS_IO_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

namespace mountstorm {

inline constexpr char kManifestName[] = "manifest.json";

// One file of an output directory: its name within it, its size and its SHA-256 (hex).
struct ManifestFile {
  std::string name;
  std::uint64_t bytes = 0;
  std::string sha256;
};

// An input a command read: the path as given ("-" for standard input) and the SHA-256 of its bytes.
struct ManifestInput {
  std::string path;
  std::string sha256;
};

// The command line of this process, as main() received it, with "mountstorm" for the program's
// own path (which differs between installs and says nothing about the results).
void SetCommandLine(int argc, char** argv);
const std::vector<std::string>& CommandLineWords();

// The entry of `contents` written as `name`.
ManifestFile DescribeText(const std::string& name, const std::string& contents);
// The entry of the file DIR/NAME as it is on disk (an InputError if it cannot be read).
ManifestFile DescribeFile(const std::string& dir, const std::string& name);

// The text of manifest.json: format, version, command line, inputs and their combined hash (the
// SHA-256 of the lines "SHA256  PATH\n", as sha256sum prints them), and the files.
std::string ManifestText(const std::vector<ManifestInput>& inputs, const std::vector<ManifestFile>& files);

// A manifest as read back: what plot and report cite.
struct Manifest {
  std::vector<ManifestFile> files;
  std::vector<std::string> command;  // empty if the manifest records none
  std::string version;
};

// The manifest of DIR, its files each checked to be there (a warning on stderr for one whose size
// or SHA-256 differs). An InputError naming DIR when the manifest is missing ("the run did not
// finish ..."), is not a manifest, or a file it lists is missing. `what` says what the directory
// is: "run", "sweep".
Manifest RequireManifest(const std::string& dir, const std::string& what);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_MANIFEST_H_
