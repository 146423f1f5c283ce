#pragma once
// Conversations on a model: chat templates, and a ChatSession that keeps the KV cache across turns.
//
// ChatTemplate turns messages into the text a model was trained on: the model's own
// tokenizer.chat_template (a sandboxed Jinja subset, rendered as Hugging Face does), a recognised
// format (chatml, llama2, llama3, mistral, phi3, gemma, zephyr) when that template cannot be rendered,
// or plain completion for a model with no template (the conversation is the text, no roles invented).
//
// ChatSession is what the app and `chord-cli --chat` drive: each turn it renders the conversation,
// keeps the longest prefix already in the KV cache (the ids it generated itself, never a re-tokenised
// reply), processes only the new tokens, and streams the reply. When the context fills it drops the
// oldest turns (keeping the system prompt), either shifting the cache and re-rotating K (Shift) or
// re-processing what follows the kept prefix (Truncate).
#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chord/generator.h"
#include "chord/session.h"
#include "chord/tokenizer.h"

namespace chord {

class Model;
namespace jinja {
class JinjaTemplate;
}

struct ChatMessage {
    std::string role;  // "system", "user", "assistant" (templates may know others, e.g. "tool")
    std::string content;
};

// A rendered prompt and where its text came from. Control tokens written as text are recognised only
// in the template's own text, never in message content: a user who types "<|im_end|>" or "</s>" gets
// those characters, not the control token.
struct RenderedPrompt {
    std::string text;
    std::vector<TextRange> content;  // byte ranges of message content in text, sorted and disjoint

    std::vector<TextRange> template_ranges() const;  // the rest: the template's own text
    // The template ranges of text[begin, end), relative to begin.
    std::vector<TextRange> template_ranges(size_t begin, size_t end) const;
};

enum class ChatFormat { Jinja, ChatML, Llama2, Llama3, Mistral, Phi3, Gemma, Zephyr, Plain };
const char* chat_format_name(ChatFormat format);  // "jinja", "chatml", …, "plain"
std::optional<ChatFormat> chat_format_from_name(std::string_view name);

class ChatTemplate {
public:
    // The model's tokenizer.chat_template; Plain when it has none.
    static ChatTemplate for_model(const Model& model);
    // A Jinja template; bos_token/eos_token are the strings it sees under those names. A template that
    // does not parse is replaced by the recognised format its text suggests (logged).
    static ChatTemplate from_jinja(const std::string& source, std::string bos_token, std::string eos_token);
    // A recognised format written in C++ (also what a failing Jinja template falls back to).
    static ChatTemplate builtin(ChatFormat format, std::string bos_token = {}, std::string eos_token = {});

    // The prompt text for these messages; add_generation_prompt opens the assistant's turn.
    // A Jinja template that raises (or exceeds its limits) is replaced by the fallback format, logged.
    std::string render(std::span<const ChatMessage> messages, bool add_generation_prompt) const;
    // The same, with the ranges of message content marked (found by rendering the messages wrapped in
    // private-use marker characters and placing what the markers enclose in the text above).
    RenderedPrompt render_prompt(std::span<const ChatMessage> messages, bool add_generation_prompt) const;
    // The same without the fallback: nullopt when the Jinja template raises.
    std::optional<std::string> try_render(std::span<const ChatMessage> messages, bool add_generation_prompt) const;

    ChatFormat format() const { return jinja_ ? ChatFormat::Jinja : format_; }
    ChatFormat fallback_format() const { return format_; }
    bool is_plain() const { return !jinja_ && format_ == ChatFormat::Plain; }
    const std::string& bos_token() const { return bos_; }
    const std::string& eos_token() const { return eos_; }

private:
    ChatTemplate() = default;
    std::shared_ptr<const jinja::JinjaTemplate> jinja_;
    ChatFormat format_ = ChatFormat::Plain;  // the built-in format, or the Jinja template's fallback
    std::string bos_, eos_;
};

enum class ContextPolicy {
    Shift,     // drop the oldest turns by moving the cache and re-rotating K (no recomputation)
    Truncate,  // drop the oldest turns and re-process everything after the kept prefix
};

struct ChatOptions {
    ContextPolicy policy = ContextPolicy::Shift;
    // Tokens the reply may need, kept free when a turn is planned: the oldest turns are dropped before
    // the prompt is processed if the prompt leaves less than this. 0: min(max_tokens, n_ctx / 4).
    int reserve_tokens = 0;
};

struct ChatTurnStats {
    int prompt_tokens = 0;     // tokens processed for this turn's prompt (the new suffix only)
    int reused_tokens = 0;     // tokens kept from the cache
    int dropped_messages = 0;  // messages no longer in the context after this turn
    int shifts = 0;            // context shifts done in this turn (before the prompt and during the reply)
    int discarded_tokens = 0;  // tokens those shifts removed
};

struct ChatReply {
    std::string text;             // what was streamed (stop string removed)
    std::vector<TokenId> tokens;  // generated ids (an end-of-generation token included)
    GenerationStats stats;        // prompt_tokens = tokens processed for the prompt, times, stop reason
    ChatTurnStats turn;
};

class ChatSession {
public:
    // The session must outlive the ChatSession and be used by nothing else meanwhile.
    ChatSession(Session& session, ChatTemplate chat_template, ChatOptions options = {});

    void set_system_prompt(std::string text);  // takes effect at the next turn
    const std::string& system_prompt() const { return system_; }
    const std::vector<ChatMessage>& messages() const { return messages_; }  // without the system prompt
    size_t first_message_in_context() const { return first_visible_; }
    const ChatTemplate& chat_template() const { return template_; }

    // Adds a user message and generates the reply, streamed to on_text. The reply is appended to
    // messages() (also when stopped early, if anything was generated). If cancelled before any token,
    // the user message is removed again and the conversation is as before the call.
    // Throws Error{ContextOverflow} when the system prompt and this message alone do not fit.
    ChatReply send(std::string user_text, const GenerationParams& params, const TokenCallback& on_text = {},
                   const std::atomic<bool>* cancel = nullptr);
    // Generates a reply to the messages as they are (the last one usually from the user).
    ChatReply reply(const GenerationParams& params, const TokenCallback& on_text = {},
                    const std::atomic<bool>* cancel = nullptr);
    // Removes the last assistant message and generates it again.
    ChatReply regenerate(const GenerationParams& params, const TokenCallback& on_text = {},
                         const std::atomic<bool>* cancel = nullptr);
    // Replaces message `index`'s content and forgets the messages after it; the cache is cut at the
    // first token that changes when the next turn is processed.
    void edit(size_t index, std::string content);
    void clear();  // forgets every message (not the system prompt) and empties the cache
    // Replaces the conversation (for a caller that keeps it elsewhere, such as the app's store). The
    // cache keeps what the new conversation still starts with: it is compared as text at the next turn,
    // so an edited or regenerated message cuts it where the text changes.
    void set_messages(std::vector<ChatMessage> messages);

    // The token ids in the KV cache, in position order (what the next turn reuses).
    const std::vector<TokenId>& cached_tokens() const { return cache_tokens_; }

private:
    // A run of cached tokens and the exact text they stand for. The cache is a list of these, so a new
    // prompt can be compared with it as text, and cut or shifted at message boundaries.
    struct Segment {
        int n_tokens = 0;
        std::string text;
        std::vector<size_t> piece_ends;  // generated tokens: text length after each one (prompt pieces: empty)
        bool keep = false;               // BOS and system prompt: survive every context shift
        bool opaque = false;             // text unknown (the cache was shifted mid-reply): never reused
        std::vector<TextRange> template_text;  // prompt pieces: where control tokens were parsed (in text)
    };
    struct Prefix {  // how much of the cache a prompt can keep
        size_t segments = 0;     // whole segments that match
        int partial_tokens = 0;  // then this many tokens of a generated segment
        int tokens = 0;
        size_t text_len = 0;
    };
    struct Plan {  // the prompt of a turn and the new segments it needs after the kept prefix
        RenderedPrompt prompt;
        Prefix prefix;
        std::vector<Segment> segments;
        std::vector<TokenId> tokens;
    };

    ChatReply run_turn(const GenerationParams& params, const TokenCallback& on_text, const std::atomic<bool>* cancel);
    std::vector<ChatMessage> visible_messages() const;
    Plan make_plan() const;
    Prefix reusable_prefix(const RenderedPrompt& prompt) const;
    bool segment_matches(const Segment& s, const RenderedPrompt& prompt, size_t at) const;
    std::vector<size_t> message_boundaries(const std::vector<ChatMessage>& visible, const std::string& prompt,
                                           size_t& system_end) const;
    std::vector<TokenId> tokenize_piece(const std::string& text, const std::vector<TextRange>& template_text,
                                        TokenId previous) const;
    bool drop_oldest_turn();
    void drop_cache_after(const Prefix& prefix);
    bool shift_to_prompt(const RenderedPrompt& prompt, ChatTurnStats& turn);
    int keep_tokens() const;

    Session& session_;
    ChatTemplate template_;
    ChatOptions options_;
    std::string system_;
    std::vector<ChatMessage> messages_;
    size_t first_visible_ = 0;  // messages_[first_visible_…] are in the rendered context
    std::vector<TokenId> cache_tokens_;
    std::vector<Segment> segments_;
};

}  // namespace chord
