package io.herald.subscriptions;

/**
 * What a subscriber asks for, as sent: nothing is checked yet. Field names are those of the
 * API's JSON, so that every error names what the subscriber wrote. {@code null} leaves a filter
 * out. {@code orderedDelivery} asks for the subscription's events one at a time, in log order;
 * {@code pushContentType} for the {@code Content-Type} of its pushes ({@code null}: the default).
 */
public record NewSubscription(
        String endPoint,
        String resourceFilter,
        String sourceFilter,
        String subjectFilter,
        String alternativeSubjectFilter,
        String typeFilter,
        boolean includeSubunits,
        boolean orderedDelivery,
        String pushContentType) {

    /** With the default push content type. */
    public NewSubscription(String endPoint, String resourceFilter, String sourceFilter, String subjectFilter,
            String alternativeSubjectFilter, String typeFilter, boolean includeSubunits, boolean orderedDelivery) {
        this(endPoint, resourceFilter, sourceFilter, subjectFilter, alternativeSubjectFilter, typeFilter, includeSubunits,
                orderedDelivery, null);
    }
}
