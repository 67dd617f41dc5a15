// @generated automatically by Diesel CLI.

diesel::table! {
    addresses (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        customer_id -> Int8,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        company -> Nullable<Text>,
        address1 -> Text,
        address2 -> Nullable<Text>,
        city -> Text,
        zipcode -> Nullable<Text>,
        state_name -> Nullable<Text>,
        country_code -> Text,
        phone -> Nullable<Text>,
        is_default_billing -> Bool,
        is_default_shipping -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    adjustments (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        order_id -> Int8,
        line_item_id -> Nullable<Int8>,
        promotion_id -> Nullable<Int8>,
        coupon_code_id -> Nullable<Int8>,
        label -> Text,
        amount -> Numeric,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_clients (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        client_id -> Text,
        secret_hash -> Text,
        name -> Text,
        scopes -> Array<Text>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        installed -> Bool,
    }
}

diesel::table! {
    api_keys (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        key_hash -> Text,
        key_prefix -> Text,
        name -> Text,
        scopes -> Array<Text>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        installed -> Bool,
    }
}

diesel::table! {
    brands (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        external_id -> Text,
        name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    channels (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        code -> Text,
        name -> Text,
        active -> Bool,
        is_default -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    cms_templates (merchant_id, id) {
        merchant_id -> Int8,
        id -> Uuid,
        entity -> Text,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    coupon_codes (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        promotion_id -> Int8,
        code -> Text,
        usage_count -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customer_group_memberships (merchant_id, customer_group_id, customer_id) {
        merchant_id -> Int8,
        customer_group_id -> Int8,
        customer_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    customer_groups (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customers (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        email -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        accepts_marketing -> Bool,
        marketing_opt_in_at -> Nullable<Timestamptz>,
        tags -> Array<Text>,
        metadata -> Jsonb,
        external_id -> Nullable<Text>,
        store_credit -> Numeric,
        store_credit_currency -> Text,
        notes -> Nullable<Text>,
        migration_batch_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    fulfillments (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        order_id -> Int8,
        fulfillment_type -> Text,
        status -> Text,
        tracking_number -> Nullable<Text>,
        fulfilled_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    gateway_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (merchant_id, key) {
        merchant_id -> Int8,
        key -> Text,
        operation -> Text,
        request_hash -> Text,
        result -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    line_items (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        order_id -> Int8,
        variant_id -> Int8,
        quantity -> Int4,
        price -> Numeric,
        discount_total -> Numeric,
        total -> Numeric,
        price_list_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        metadata -> Jsonb,
    }
}

diesel::table! {
    merchants (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        url -> Nullable<Text>,
        default_currency -> Text,
        supported_currencies -> Array<Text>,
        default_locale -> Text,
        timezone -> Text,
        admin_locale -> Nullable<Text>,
        weight_unit -> Text,
        unit_system -> Text,
        mail_from_address -> Nullable<Text>,
        customer_support_email -> Nullable<Text>,
        new_order_notifications_email -> Nullable<Text>,
        send_consumer_transactional_emails -> Bool,
    }
}

diesel::table! {
    migration_batches (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        kind -> Text,
        status -> Text,
        error_policy -> Text,
        source -> Nullable<Text>,
        total_rows -> Int4,
        processed_rows -> Int4,
        created_rows -> Int4,
        updated_rows -> Int4,
        unchanged_rows -> Int4,
        error_count -> Int4,
        reverted_rows -> Int4,
        conflict_rows -> Int4,
        error -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        heartbeat_at -> Nullable<Timestamptz>,
        attempts -> Int4,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        reverted_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    migration_rows (merchant_id, batch_id, row_index) {
        merchant_id -> Int8,
        batch_id -> Int8,
        row_index -> Int4,
        external_id -> Nullable<Text>,
        input -> Nullable<Jsonb>,
        action -> Nullable<Text>,
        target_id -> Nullable<Int8>,
        errors -> Jsonb,
        before_image -> Nullable<Jsonb>,
        after_version -> Nullable<Text>,
        revert -> Nullable<Text>,
        revert_reason -> Nullable<Text>,
    }
}

diesel::table! {
    order_addresses (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        order_id -> Int8,
        kind -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        company -> Nullable<Text>,
        address1 -> Text,
        address2 -> Nullable<Text>,
        city -> Text,
        zipcode -> Nullable<Text>,
        state_name -> Nullable<Text>,
        country_code -> Text,
        phone -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    order_daily_rollups (id) {
        id -> Int8,
        merchant_id -> Int8,
        timezone -> Text,
        date_field -> Text,
        day -> Date,
        channel_id -> Nullable<Int8>,
        store_id -> Nullable<Int8>,
        status -> Text,
        currency -> Text,
        orders -> Int8,
        item_count -> Int8,
        total -> Numeric,
    }
}

diesel::table! {
    order_rollup_timezones (merchant_id, timezone) {
        merchant_id -> Int8,
        timezone -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    orders (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        number -> Text,
        status -> Text,
        payment_status -> Text,
        fulfillment_status -> Text,
        store_id -> Nullable<Int8>,
        channel_id -> Nullable<Int8>,
        customer_id -> Nullable<Int8>,
        email -> Nullable<Text>,
        currency -> Text,
        item_count -> Int4,
        item_total -> Numeric,
        discount_total -> Numeric,
        tax_total -> Numeric,
        delivery_total -> Numeric,
        total -> Numeric,
        coupon_code_id -> Nullable<Int8>,
        notes -> Nullable<Text>,
        metadata -> Jsonb,
        external_id -> Nullable<Text>,
        migration_batch_id -> Nullable<Int8>,
        completed_at -> Nullable<Timestamptz>,
        canceled_at -> Nullable<Timestamptz>,
        approved_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        customer_note -> Nullable<Text>,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    payments (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        order_id -> Int8,
        method -> Text,
        status -> Text,
        amount -> Numeric,
        reference -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    price_list_products (merchant_id, price_list_id, product_id) {
        merchant_id -> Int8,
        price_list_id -> Int8,
        product_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    price_lists (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        name -> Text,
        description -> Nullable<Text>,
        status -> Text,
        position -> Int4,
        match_policy -> Text,
        starts_at -> Nullable<Timestamptz>,
        ends_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    price_rules (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        price_list_id -> Int8,
        kind -> Text,
        min_quantity -> Nullable<Int4>,
        market_code -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        customer_group_ids -> Array<Int8>,
        channel_ids -> Array<Int8>,
        customer_ids -> Array<Int8>,
    }
}

diesel::table! {
    prices (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        variant_id -> Int8,
        currency -> Text,
        price_list_id -> Nullable<Int8>,
        amount -> Numeric,
        compare_at_amount -> Nullable<Numeric>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    product_publications (merchant_id, channel_id, product_id) {
        merchant_id -> Int8,
        channel_id -> Int8,
        product_id -> Int8,
        published_at -> Timestamptz,
        unpublished_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    products (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        tags -> Array<Text>,
        price_amount -> Nullable<Numeric>,
        units_sold -> Int8,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    promotion_actions (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        promotion_id -> Int8,
        kind -> Text,
        calculator -> Nullable<Text>,
        amount -> Nullable<Numeric>,
        percent -> Nullable<Numeric>,
        product_ids -> Array<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    promotion_rules (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        promotion_id -> Int8,
        kind -> Text,
        amount_min -> Nullable<Numeric>,
        amount_max -> Nullable<Numeric>,
        match_policy -> Nullable<Text>,
        product_ids -> Array<Int8>,
        customer_ids -> Array<Int8>,
        customer_group_ids -> Array<Int8>,
        currency -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    promotions (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        name -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        starts_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        usage_limit -> Nullable<Int4>,
        match_policy -> Text,
        multi_codes -> Bool,
        code_prefix -> Nullable<Text>,
        number_of_codes -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    store_channels (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        store_id -> Int8,
        channel_code -> Text,
        external_id -> Text,
        uid -> Uuid,
        name -> Text,
    }
}

diesel::table! {
    store_coverage_zones (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        fulfillment_id -> Int8,
        position -> Int4,
        name -> Text,
        zone_type -> Text,
        center_latitude -> Nullable<Numeric>,
        center_longitude -> Nullable<Numeric>,
        radius_meters -> Nullable<Numeric>,
        polygon -> Nullable<Jsonb>,
    }
}

diesel::table! {
    store_fulfillment_fees (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        fulfillment_id -> Int8,
        position -> Int4,
        external_id -> Text,
        fee_type -> Text,
        tax_inclusive -> Bool,
        name -> Jsonb,
        amount -> Numeric,
        percentage -> Numeric,
    }
}

diesel::table! {
    store_fulfillments (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        store_channel_id -> Int8,
        fulfillment_type -> Text,
        external_id -> Text,
        uid -> Uuid,
        name -> Text,
        instructions -> Nullable<Jsonb>,
        is_tax_inclusive -> Bool,
        minimum_order_value -> Nullable<Numeric>,
        maximum_order_value -> Nullable<Numeric>,
        tax_rate -> Nullable<Numeric>,
        availability_status -> Text,
        schedules -> Nullable<Jsonb>,
        temporary_closed_reason -> Nullable<Jsonb>,
        temporary_closed_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    store_payment_methods (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        store_id -> Int8,
        position -> Int4,
        method -> Text,
        minimum_order_value -> Numeric,
        maximum_order_value -> Numeric,
    }
}

diesel::table! {
    store_payment_providers (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        payment_method_id -> Int8,
        position -> Int4,
        provider_uid -> Uuid,
        name -> Text,
        status -> Text,
    }
}

diesel::table! {
    store_scheduled_overrides (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        store_id -> Int8,
        field -> Text,
        value -> Jsonb,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    stores (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        external_id -> Text,
        brand_id -> Nullable<Int8>,
        name -> Text,
        status -> Text,
        timezone -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        latitude -> Nullable<Numeric>,
        longitude -> Nullable<Numeric>,
        address_line_1 -> Nullable<Text>,
        address_line_2 -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        business_name -> Nullable<Text>,
        unit_number -> Nullable<Text>,
        orderable -> Bool,
        cms_template_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    variants (merchant_id, id) {
        merchant_id -> Int8,
        id -> Int8,
        product_id -> Int8,
        sku -> Nullable<Text>,
        options_text -> Text,
        position -> Int4,
        is_master -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(api_clients -> merchants (merchant_id));
diesel::joinable!(api_keys -> merchants (merchant_id));
diesel::joinable!(brands -> merchants (merchant_id));
diesel::joinable!(channels -> merchants (merchant_id));
diesel::joinable!(cms_templates -> merchants (merchant_id));
diesel::joinable!(customer_groups -> merchants (merchant_id));
diesel::joinable!(customers -> merchants (merchant_id));
diesel::joinable!(idempotency_keys -> merchants (merchant_id));
diesel::joinable!(migration_batches -> merchants (merchant_id));
diesel::joinable!(order_daily_rollups -> merchants (merchant_id));
diesel::joinable!(order_rollup_timezones -> merchants (merchant_id));
diesel::joinable!(orders -> merchants (merchant_id));
diesel::joinable!(price_lists -> merchants (merchant_id));
diesel::joinable!(products -> merchants (merchant_id));
diesel::joinable!(promotions -> merchants (merchant_id));
diesel::joinable!(stores -> merchants (merchant_id));

diesel::allow_tables_to_appear_in_same_query!(
    addresses,
    adjustments,
    api_clients,
    api_keys,
    brands,
    channels,
    cms_templates,
    coupon_codes,
    customer_group_memberships,
    customer_groups,
    customers,
    fulfillments,
    gateway_secrets,
    idempotency_keys,
    line_items,
    merchants,
    migration_batches,
    migration_rows,
    order_addresses,
    order_daily_rollups,
    order_rollup_timezones,
    orders,
    payments,
    price_list_products,
    price_lists,
    price_rules,
    prices,
    product_publications,
    products,
    promotion_actions,
    promotion_rules,
    promotions,
    store_channels,
    store_coverage_zones,
    store_fulfillment_fees,
    store_fulfillments,
    store_payment_methods,
    store_payment_providers,
    store_scheduled_overrides,
    stores,
    variants,
);
