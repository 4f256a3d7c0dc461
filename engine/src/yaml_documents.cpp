#include "yaml_documents.hpp"

#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/node/detail/iterator.h>
#include <yaml-cpp/node/detail/memory.h>
#include <yaml-cpp/node/detail/node.h>

namespace reframe::loader_detail {
namespace {

/// One document's nodes from the parser's events: yaml-cpp 0.7's NodeBuilder
/// (src/nodebuilder.cpp), which its public headers do not declare, written again with the
/// public detail:: node API that YAML::Node itself is built on.
class DocumentBuilder final : public YAML::EventHandler {
public:
    DocumentBuilder() : memory_(std::make_shared<YAML::detail::memory_holder>()) {
        anchors_.push_back(nullptr);  // anchors are numbered from 1
    }

    /// The document, as LoadAll returns it (a null node when there was none).
    YAML::Node root() const {
        if (root_ == nullptr) return YAML::Node();
        // YAML::Node's constructor from a detail::node is private; its iterator is the
        // public way to wrap one.
        std::vector<YAML::detail::node*> one{root_};
        const YAML::iterator it(YAML::detail::node_iterator(one.begin()), memory_);
        return YAML::Node(*it);
    }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        push(mark, anchor).set_null();
        pop();
    }
    void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
        push(*anchors_.at(anchor));
        pop();
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_scalar(value);
        node.set_tag(tag);
        pop();
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_tag(tag);
        node.set_type(YAML::NodeType::Sequence);
        node.set_style(style);
    }
    void OnSequenceEnd() override { pop(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_type(YAML::NodeType::Map);
        node.set_tag(tag);
        node.set_style(style);
        ++map_depth_;
    }
    void OnMapEnd() override {
        --map_depth_;
        pop();
    }

private:
    YAML::detail::node& push(const YAML::Mark& mark, YAML::anchor_t anchor) {
        YAML::detail::node& node = memory_->create_node();
        node.set_mark(mark);
        if (anchor != YAML::NullAnchor) anchors_.push_back(&node);  // anchor == anchors_.size() - 1
        push(node);
        return node;
    }

    void push(YAML::detail::node& node) {
        const bool needs_key =
            !stack_.empty() && stack_.back()->type() == YAML::NodeType::Map && keys_.size() < map_depth_;
        stack_.push_back(&node);
        if (needs_key) keys_.emplace_back(&node, false);
    }

    void pop() {
        YAML::detail::node& node = *stack_.back();
        stack_.pop_back();
        if (stack_.empty()) {
            root_ = &node;
            return;
        }
        YAML::detail::node& collection = *stack_.back();
        if (collection.type() == YAML::NodeType::Sequence) {
            collection.push_back(node, memory_);
        } else if (collection.type() == YAML::NodeType::Map) {
            auto& [key, has_value] = keys_.back();
            if (has_value) {
                collection.insert(*key, node, memory_);
                keys_.pop_back();
            } else {
                has_value = true;  // `node` is the key; its value comes next
            }
        }
    }

    YAML::detail::shared_memory_holder memory_;
    YAML::detail::node* root_ = nullptr;
    std::vector<YAML::detail::node*> stack_;
    std::vector<YAML::detail::node*> anchors_;
    std::vector<std::pair<YAML::detail::node*, bool>> keys_;  // a map's key, and whether its value came
    std::size_t map_depth_ = 0;
};

/// Passes the events on to the document's builder, and stops the parse where a document
/// starts at the same place as the one before it: the parser is no longer making progress.
class ProgressGuard final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override {
        if (started_ && mark.pos == last_start_) {
            throw YAML::ParserException(mark, "nothing here can start a document (a stray `,`?)");
        }
        started_ = true;
        last_start_ = mark.pos;
        next_->OnDocumentStart(mark);
    }
    void OnDocumentEnd() override { next_->OnDocumentEnd(); }
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { next_->OnNull(mark, anchor); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override { next_->OnAlias(mark, anchor); }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        next_->OnScalar(mark, tag, anchor, value);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override {
        next_->OnSequenceStart(mark, tag, anchor, style);
    }
    void OnSequenceEnd() override { next_->OnSequenceEnd(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override {
        next_->OnMapStart(mark, tag, anchor, style);
    }
    void OnMapEnd() override { next_->OnMapEnd(); }

    /// The next document goes to `next`.
    void forward_to(YAML::EventHandler& next) { next_ = &next; }

private:
    YAML::EventHandler* next_ = nullptr;
    bool started_ = false;
    int last_start_ = 0;
};

}  // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    std::vector<YAML::Node> documents;
    ProgressGuard guard;
    for (;;) {
        DocumentBuilder builder;  // one per document, as in LoadAll
        guard.forward_to(builder);
        if (!parser.HandleNextDocument(guard)) break;
        documents.push_back(builder.root());
    }
    return documents;
}

}  // namespace reframe::loader_detail
