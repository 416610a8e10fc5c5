/* Unit test of the client's protobuf-to-JSON rendering (client/pb_json.c):
 * field names as in proto/, nested and repeated messages, empty strings as
 * null, decimals kept as strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cchc/v1/envelope.pb-c.h"
#include "pb_json.h"

static void test_task_detail(void **state)
{
    (void)state;
    Cchc__V1__TaskItem item = CCHC__V1__TASK_ITEM__INIT;
    item.label = "đ";
    item.text = "Nội dung";
    Cchc__V1__TaskItem *items[] = {&item};
    char *criteria[] = {"PAR-INDEX 3.4.1", "PAR-INDEX 3.4.2"};
    Cchc__V1__UnitRef unit = CCHC__V1__UNIT_REF__INIT;
    unit.code = "SNV";
    unit.name = "Sở Nội vụ";
    Cchc__V1__Lead lead = CCHC__V1__LEAD__INIT;
    lead.unit = &unit;
    Cchc__V1__Lead *leads[] = {&lead};
    Cchc__V1__Assignment as = CCHC__V1__ASSIGNMENT__INIT;
    as.id = 1051;
    as.leads = leads;
    as.n_leads = 1;
    Cchc__V1__Assignment *assignments[] = {&as};
    Cchc__V1__TaskDetail t = CCHC__V1__TASK_DETAIL__INIT;
    t.id = 105;
    t.text = "Tổ chức tiếp nhận hồ sơ";
    t.criteria = criteria;
    t.n_criteria = 2;
    t.items = items;
    t.n_items = 1;
    t.assignments = assignments;
    t.n_assignments = 1;

    json_t *j = pb_to_json(&t.base);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 105);
    assert_string_equal(json_string_value(json_object_get(j, "text")), "Tổ chức tiếp nhận hồ sơ");
    assert_true(json_is_null(json_object_get(j, "note"))); /* "" is "not stated" */
    json_t *c = json_object_get(j, "criteria");
    assert_int_equal(json_array_size(c), 2);
    assert_string_equal(json_string_value(json_array_get(c, 1)), "PAR-INDEX 3.4.2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0),
                                                          "label")),
                        "đ");
    json_t *l = json_array_get(json_object_get(json_array_get(json_object_get(j, "assignments"), 0),
                                               "leads"),
                               0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(l, "unit"), "name")),
                        "Sở Nội vụ");
    assert_int_equal(json_array_size(json_object_get(j, "targets")), 0);
    json_decref(j);
}

static void test_enum_and_bool(void **state)
{
    (void)state;
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    err.code = CCHC__V1__ERROR_CODE__UNAVAILABLE;
    err.message = "database unavailable";
    json_t *j = pb_to_json(&err.base);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "UNAVAILABLE");
    json_decref(j);
    Cchc__V1__IndexResult r = CCHC__V1__INDEX_RESULT__INIT;
    r.value = "86.11";
    r.value_derived = 1;
    j = pb_to_json(&r.base);
    assert_string_equal(json_string_value(json_object_get(j, "value")), "86.11");
    assert_true(json_is_true(json_object_get(j, "value_derived")));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_detail),
        cmocka_unit_test(test_enum_and_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
