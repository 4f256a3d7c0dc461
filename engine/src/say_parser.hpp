#pragma once
// Private: reads what a flow says — `say`, `options`, `set` and the settings' `fallback` —
// compiling every text as a Template and recording the variables it uses.

#include <optional>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "reframe/flow.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// Compiles one scalar as a template; a TemplateError is reported at its column.
std::optional<Template> compile_template(const YAML::Node& scalar, FileContext& ctx);

/// `say`: a text, or a list whose items are texts or lists of texts (a variant sent as
/// several messages).
std::optional<std::vector<std::vector<Template>>> read_say(const Field& field, FileContext& ctx);

/// A text or a list of texts, each one template (`options`, settings `fallback`).
std::optional<std::vector<Template>> read_templates(const Field& field, FileContext& ctx);

/// `set: {name: "template", …}`; every name becomes a known variable.
std::optional<std::vector<Assignment>> read_assignments(const Field& field, FileContext& ctx);

/// Reads `record:` (measure name -> template) and notes each measure name.
std::optional<std::vector<Assignment>> read_records(const Field& field, FileContext& ctx);

}  // namespace reframe::loader_detail
