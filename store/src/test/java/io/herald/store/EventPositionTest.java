package io.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventPositionTest {

    @Test
    void shouldParseZeroAsTheStart() {
        assertThat(EventPosition.parse("0")).isSameAs(EventPosition.START);
        assertThat(EventPosition.START).isEqualTo(new EventPosition(0, 0));
    }

    @Test
    void shouldWriteTheStartAsZero() {
        assertThat(EventPosition.START.toString()).isEqualTo("0");
        assertThat(new EventPosition(0, 0).toString()).isEqualTo("0");
    }

    @Test
    void shouldParseTxAndSeq() {
        EventPosition position = EventPosition.parse("12-34");

        assertThat(position.tx()).isEqualTo(12);
        assertThat(position.seq()).isEqualTo(34);
    }

    @Test
    void shouldWriteTxDashSeq() {
        assertThat(new EventPosition(12, 34).toString()).isEqualTo("12-34");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "12-34", "0-1", "1-0", "999999999999999999-999999999999999999"})
    void shouldRoundTripThroughItsTextForm(String text) {
        assertThat(EventPosition.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void shouldRoundTripFromAPositionThroughItsTextForm() {
        for (EventPosition position : List.of(EventPosition.START, new EventPosition(12, 34),
                new EventPosition(0, 7), new EventPosition(5, 0), new EventPosition(987654321098L, 1))) {
            assertThat(EventPosition.parse(position.toString())).isEqualTo(position);
        }
    }

    @Test
    void shouldParseZeroDashZeroAsTheStart() {
        assertThat(EventPosition.parse("0-0")).isEqualTo(EventPosition.START);
    }

    @Test
    void shouldIgnoreSurroundingWhitespace() {
        assertThat(EventPosition.parse(" 12-34\n")).isEqualTo(new EventPosition(12, 34));
        assertThat(EventPosition.parse(" 0 ")).isEqualTo(EventPosition.START);
    }

    @Test
    void shouldOrderByTxFirst() {
        EventPosition earlierTx = new EventPosition(1, 900);
        EventPosition laterTx = new EventPosition(2, 1);

        assertThat(earlierTx.compareTo(laterTx)).isNegative();
        assertThat(laterTx.compareTo(earlierTx)).isPositive();
        assertThat(laterTx.isAfter(earlierTx)).isTrue();
        assertThat(earlierTx.isAfter(laterTx)).isFalse();
    }

    @Test
    void shouldOrderBySeqWithinTheSameTx() {
        EventPosition first = new EventPosition(7, 3);
        EventPosition second = new EventPosition(7, 4);

        assertThat(first.compareTo(second)).isNegative();
        assertThat(second.compareTo(first)).isPositive();
        assertThat(second.isAfter(first)).isTrue();
        assertThat(first.isAfter(second)).isFalse();
    }

    @Test
    void shouldNotBeAfterAnEqualPosition() {
        EventPosition position = new EventPosition(7, 3);

        assertThat(position.compareTo(new EventPosition(7, 3))).isZero();
        assertThat(position.isAfter(new EventPosition(7, 3))).isFalse();
    }

    @Test
    void shouldPutTheStartBeforeEveryOtherPosition() {
        assertThat(new EventPosition(0, 1).isAfter(EventPosition.START)).isTrue();
        assertThat(new EventPosition(1, 0).isAfter(EventPosition.START)).isTrue();
        assertThat(EventPosition.START.isAfter(new EventPosition(0, 1))).isFalse();
    }

    @Test
    void shouldCompareLargeValuesWithoutOverflow() {
        EventPosition small = new EventPosition(0, 0);
        EventPosition huge = new EventPosition(Long.MAX_VALUE, Long.MAX_VALUE);

        assertThat(huge.isAfter(small)).isTrue();
        assertThat(small.compareTo(huge)).isNegative();
    }

    @Test
    void shouldSortInLogOrder() {
        List<EventPosition> positions = new ArrayList<>(List.of(
                new EventPosition(3, 1), new EventPosition(1, 2), EventPosition.START,
                new EventPosition(2, 5), new EventPosition(1, 1), new EventPosition(10, 0)));
        Collections.shuffle(positions);

        Collections.sort(positions);

        assertThat(positions).containsExactly(EventPosition.START, new EventPosition(1, 1),
                new EventPosition(1, 2), new EventPosition(2, 5), new EventPosition(3, 1), new EventPosition(10, 0));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void shouldRejectAMissingCursor(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventPosition.parse(text))
                .withMessageContaining("cursor is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "1-", "-1-2", "1--2", "1-2-3", "99999999999999999999-1", "1-99999999999999999999",
            "1_2", "1 - 2", "+1-2", "1-+2", "00", "1", "0x1-2", "1.5-2"})
    void shouldRejectTextThatIsNotACursorNamingTheBadValue(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventPosition.parse(text))
                .withMessageContaining("'" + text + "'");
    }

    @Test
    void shouldRejectANegativeTx() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new EventPosition(-1, 0))
                .withMessageContaining("-1-0");
    }

    @Test
    void shouldRejectANegativeSeq() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new EventPosition(5, -2))
                .withMessageContaining("5--2");
    }

    @Test
    void shouldRejectTheMostNegativeValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EventPosition(Long.MIN_VALUE, Long.MIN_VALUE))
                .withMessageContaining(String.valueOf(Long.MIN_VALUE));
    }
}
