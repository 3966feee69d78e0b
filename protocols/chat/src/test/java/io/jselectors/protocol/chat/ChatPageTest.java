package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebPage;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the chat page without a browser (ChatBrowserTest in the server module
 * runs it in one): self-contained, and no API that would turn a user's text into HTML.
 */
class ChatPageTest {

    private final String page = new String(ChatEndpoints.pageBytes(), StandardCharsets.UTF_8);

    @Test
    void fetchesNothingFromElsewhere() {
        assertThat(page).doesNotContainPattern(Pattern.compile("(src|href)\\s*=\\s*[\"']?(https?:)?//", Pattern.CASE_INSENSITIVE));
        assertThat(page).doesNotContainPattern(Pattern.compile("@import|url\\(|<link |<script src", Pattern.CASE_INSENSITIVE));
        assertThat(page).doesNotContain("fetch(", "XMLHttpRequest");
    }

    @Test
    void neverWritesHtml() {
        assertThat(page).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(page).contains("textContent");
    }

    @Test
    void connectsToItsOwnPathAndFitsAPhone() {
        assertThat(page).contains("location.host + location.pathname");
        assertThat(page).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    }

    @Test
    void theProviderServesItOnChatAsHtml() {
        ChatEndpoints provider = new ChatEndpoints();
        WebPage served = provider.page(null, "/chat");
        assertThat(provider.defaultPath()).isEqualTo("/chat");
        assertThat(served.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(served.body()).isEqualTo(ChatEndpoints.pageBytes());
    }
}
