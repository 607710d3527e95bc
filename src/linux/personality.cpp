// linux.personality: personality(2).
#include "rt/linux/personality.hpp"

#include <sys/personality.h>

#include "rt/util/error.hpp"

namespace rt::linux {

unsigned long plan_personality(const spec::Personality& personality, const std::string& where) {
    if (!personality.flags.empty()) {
        throw Error(where + ".flags: no personality flags are supported (config-linux.md defines none), got \"" +
                    personality.flags.front() + "\"");
    }
    if (personality.domain == "LINUX") return PER_LINUX;
    if (personality.domain == "LINUX32") return PER_LINUX32;
    throw Error(where + ".domain: unknown domain \"" + personality.domain + "\"");
}

void apply_personality(unsigned long persona) {
    if (::personality(persona) < 0) throw_errno("personality " + std::to_string(persona));
}

}  // namespace rt::linux
