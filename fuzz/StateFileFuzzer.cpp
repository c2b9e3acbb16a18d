// The operator-state file loader (control::loadState): state.json is read at every start, and a
// local worker follows its supervisor's copy. A file either loads or is refused with a status;
// and what loads must survive a save and a second load unchanged, because the control plane
// saves what it loaded with every operator change.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "control/StateFile.h"
#include "support/ScratchDir.h"

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rampart::control;
    const std::string input = rampart::fuzz::scratchDir() + "/input.json";
    const std::string saved = rampart::fuzz::scratchDir() + "/saved.json";
    {
        std::ofstream out(input, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const auto state = loadState(input);
    if (!state.ok()) return 0;

    // Round trip: save → load → save must give the same text.
    if (!saveState(saved, *state).ok()) __builtin_trap();
    const std::string first = readAll(saved);
    const auto reloaded = loadState(saved);
    if (!reloaded.ok()) __builtin_trap();  // the agent would refuse to start on its own file
    if (!saveState(saved, *reloaded).ok()) __builtin_trap();
    if (readAll(saved) != first) __builtin_trap();
    return 0;
}
