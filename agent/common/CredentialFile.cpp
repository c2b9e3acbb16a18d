#include "common/CredentialFile.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace rampart {

constexpr std::streamsize kMaxCredentialFileBytes = 64 * 1024;

absl::StatusOr<std::string> readCredentialFile(const std::string& path, absl::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return absl::FailedPreconditionError(absl::StrCat("cannot read the ", what, " ", path));
    }
    std::string content(static_cast<size_t>(kMaxCredentialFileBytes) + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    if (content.size() > static_cast<size_t>(kMaxCredentialFileBytes)) {
        return absl::FailedPreconditionError(absl::StrCat("the ", what, " ", path, " is too large"));
    }
    absl::StripAsciiWhitespace(&content);
    if (content.empty()) {
        return absl::FailedPreconditionError(absl::StrCat("the ", what, " ", path, " is empty"));
    }
    return content;
}

}  // namespace rampart
