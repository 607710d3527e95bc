// hostname and domainname, set in the container's own UTS namespace
// (validation refuses them without one).
#include <unistd.h>

#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

void set_identity(const spec::Spec& spec) {
    if (spec.hostname && ::sethostname(spec.hostname->data(), spec.hostname->size()) < 0) {
        throw_errno("set hostname \"" + *spec.hostname + "\"");
    }
    if (spec.domainname &&
        ::setdomainname(spec.domainname->data(), spec.domainname->size()) < 0) {
        throw_errno("set domainname \"" + *spec.domainname + "\"");
    }
}

}  // namespace rt::linux
